//! What a build says and writes beyond the pages' content: `--quiet`,
//! unique ids in a page, and symbolic links in `templates/` and `theme/`.

mod common;

use common::*;

#[test]
fn quiet_builds_print_the_errors_and_only_a_count_of_the_warnings() {
    // `build --quiet` prints no warning and no summary but one line counting the warnings and saying how to see them; errors are printed in full; `--help` says so.
    let tmp = tempdir();
    let site = copy_fixture("coverage", tmp.path());
    let out = tmp.path().join("out");
    let loud = build_cli(&site, &out, &[]);
    loud.assert_code(0);
    assert!(loud.stderr.contains("[partial-only]"), "{}", loud.stderr);
    assert!(loud.stdout.contains("3 warnings"), "{}", loud.stdout);

    let quiet = build_cli(&site, &out, &["--quiet"]);
    quiet.assert_code(0);
    assert_eq!(quiet.stdout, "");
    assert_eq!(
        quiet.stderr,
        "warning: 3 warnings not shown (--quiet); build without --quiet, or run `clausebook check`, to see them\n"
    );

    // A failed build still shows its errors, not its warnings.
    append(
        &site.join("content/full.md"),
        "\nSee [the missing one](NOPE-1).\n",
    );
    let failed = build_cli(&site, &out, &["-q"]);
    failed.assert_code(1);
    assert!(
        failed
            .stderr
            .contains("link to an unknown document id `NOPE-1`"),
        "{}",
        failed.stderr
    );
    assert!(
        !failed.stderr.contains("[partial-only]"),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("3 warnings not shown (--quiet)"),
        "{}",
        failed.stderr
    );

    // Without warnings, a quiet build prints nothing at all.
    let tags = copy_site(&fixture("tags"), &tmp.path().join("tags"));
    let silent = build_cli(&tags, &tmp.path().join("tags-out"), &["-q"]);
    silent.assert_code(0);
    assert_eq!((silent.stdout.as_str(), silent.stderr.as_str()), ("", ""));

    let help = run_cli(&["build", "--help"]);
    help.assert_code(0);
    assert!(
        help.stdout
            .contains("Print errors only and a one-line count of the warnings"),
        "{}",
        help.stdout
    );
}
