/* Clausebook search: being implemented (issue 4). */
