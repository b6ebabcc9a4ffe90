//! Offboarding and API tokens from the command line (issue 17).

use serde_json::Value;

use super::{ok, run, serve, setup};

fn status(base: &str, token: &str) -> u16 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{base}/api/v1/cases"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

#[test]
fn the_operator_lists_and_revokes_tokens_and_takes_access_away() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let first = setup(dir);
    let server = serve(dir);
    assert_eq!(status(&server.base, &first), 200);

    // Bad input: a clear message, nothing made.
    for (args, expected) in [
        (
            vec!["--scope", "everything"],
            "--scope must be read_only or case_handling",
        ),
        (vec!["--expires-days", "4000"], "--expires-days must be"),
        (vec!["--name", ""], "--name must be one line"),
    ] {
        let mut all = vec!["token", "create", "--email", "dpo@uni.example"];
        all.extend(args);
        let out = run(dir, &all);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{err}");
    }
    let listed = ok(dir, &["token", "list", "--email", "dpo@uni.example"]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("case_handling\tvalid"), "{listed}");

    let read_only = ok(
        dir,
        &[
            "token",
            "create",
            "--email",
            "dpo@uni.example",
            "--scope",
            "read_only",
            "--name",
            "nightly export",
            "--expires-days",
            "7",
        ],
    )
    .trim()
    .to_owned();
    assert_eq!(status(&server.base, &read_only), 200);
    let listed = ok(dir, &["token", "list", "--email", "dpo@uni.example"]);
    let line = listed
        .lines()
        .find(|l| l.ends_with("nightly export"))
        .unwrap();
    assert!(line.contains("read_only\tvalid"), "{line}");
    let id = line.split('\t').next().unwrap();
    ok(dir, &["token", "revoke", "--id", id]);
    assert_eq!(status(&server.base, &read_only), 401);
    let again = run(dir, &["token", "revoke", "--id", id]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no valid token with id"));
    assert_eq!(status(&server.base, &first), 200);

    // Disabled: every token dies; enabled again, they stay dead.
    ok(dir, &["user", "disable", "--email", "dpo@uni.example"]);
    assert_eq!(status(&server.base, &first), 401);
    ok(dir, &["user", "enable", "--email", "dpo@uni.example"]);
    assert_eq!(status(&server.base, &first), 401);
    let fresh = ok(dir, &["token", "create", "--email", "dpo@uni.example"])
        .trim()
        .to_owned();
    assert_eq!(status(&server.base, &fresh), 200);

    // The role goes: the token still authenticates, but reads no case.
    ok(
        dir,
        &[
            "user",
            "remove-role",
            "--org",
            "uni",
            "--email",
            "dpo@uni.example",
            "--role",
            "dpo",
        ],
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cases: Value = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{}/api/v1/cases", server.base))
            .bearer_auth(&fresh)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(cases["cases"].as_array().map(Vec::len), Some(0), "{cases}");
    let again = run(
        dir,
        &[
            "user",
            "remove-role",
            "--org",
            "uni",
            "--email",
            "dpo@uni.example",
            "--role",
            "dpo",
        ],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("has no role dpo in uni"));
    ok(
        dir,
        &["user", "reset-second-factor", "--email", "dpo@uni.example"],
    );
    assert!(ok(dir, &["user", "end-sessions", "--email", "dpo@uni.example"]).starts_with("ended "));
    drop(server);

    let out = run(dir, &["audit", "verify"]);
    assert!(out.status.success());
}
