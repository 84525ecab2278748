use std::process::Command;

fn ferroflux(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ferroflux"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn version_and_help() {
    let out = ferroflux(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("ferroflux {}", env!("CARGO_PKG_VERSION"))
    );
    let help = String::from_utf8_lossy(&ferroflux(&["--help"]).stdout).to_string();
    for command in [
        "push",
        "pull",
        "tag",
        "list",
        "diff",
        "build",
        "template",
        "get",
        "reconcile",
    ] {
        assert!(
            help.contains(&format!("  {command} ")),
            "help lacks {command}:\n{help}"
        );
    }
}

#[test]
fn commands_not_available_yet_fail_clearly() {
    for (args, needle) in [
        (
            vec![
                "push",
                "artifact",
                "oci://localhost:5000/x:1",
                "--path",
                ".",
                "--source",
                "s",
                "--revision",
                "r",
            ],
            "`ferroflux push artifact` is not available",
        ),
        (
            vec!["pull", "artifact", "oci://localhost:5000/x:1", "-o", "out"],
            "`ferroflux pull artifact`",
        ),
        (
            vec!["list", "artifacts", "oci://localhost:5000/x", "-o", "json"],
            "`ferroflux list artifacts`",
        ),
        (vec!["build", "."], "`ferroflux build` is not available"),
        (
            vec!["template", "r", "./chart"],
            "`ferroflux template` is not available",
        ),
    ] {
        let out = ferroflux(&args);
        assert!(!out.status.success(), "{args:?} must fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn bad_arguments_are_rejected() {
    let out = ferroflux(&["get", "kustomizations", "-o", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = ferroflux(&["reconcile", "ks", "x", "--timeout", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}
