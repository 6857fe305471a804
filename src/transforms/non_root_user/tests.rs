//! Unit tests of `non-root-user`; the fixture pairs are in corpus/non-root-user/.

use std::collections::HashMap;

use super::commands::words;
use super::settings::valid_user_name;
use super::workdir::{expand, is_system_dir, normalize};
use super::*;
use crate::config::Config;
use crate::engine;
use crate::knowledge::Knowledge;

/// Run only this transform with unsafe fixes: the output and the messages of the notes.
fn fix(src: &str, config: &str) -> (String, Vec<String>) {
    let config = Config::from_str(config, std::path::Path::new("dfix.toml")).unwrap();
    let knowledge = Knowledge::with_extensions(&config.knowledge).unwrap();
    let options = engine::Options {
        required: Applicability::Unsafe,
        max_passes: 10,
        ..engine::Options::new(vec![&NonRootUser], &config, &knowledge)
    };
    let outcome = engine::fix(src, &options).unwrap();
    assert!(outcome.internal_errors.is_empty(), "{:?}", outcome.internal_errors);
    let notes = outcome.remaining.iter().filter(|p| p.fix.is_none()).map(|p| p.message.clone()).collect();
    (outcome.output, notes)
}

/// The file is left alone with exactly one note, which contains `why`.
fn skipped(src: &str, config: &str, why: &str) {
    let (output, notes) = fix(src, config);
    assert_eq!(output, src, "expected no change");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains(why), "note {:?} does not say {why:?}", notes[0]);
}

#[test]
fn skips_say_why() {
    skipped("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD dir\n", "", "Windows");
    skipped("FROM --platform=windows/amd64 corp/x\nCMD dir\n", "", "Windows");
    skipped("FROM python:3.12-windowsservercore\nCMD python\n", "", "Windows");
    skipped("FROM corp/appliance:1.2\nCMD [\"/run\"]\n", "", "the family of `corp/appliance:1.2` is unknown");
    skipped("FROM $BASE\nCMD [\"/run\"]\n", "", "family of `$BASE` is unknown");
    skipped("FROM debian:12\nRUN apt-get install -y gosu\nCMD [\"x\"]\n", "", "uses `gosu`");
    skipped("FROM alpine:3\nCMD [\"/sbin/su-exec\", \"nobody\", \"/app\"]\n", "", "(`su-exec`)");
    skipped("FROM alpine:3\nENTRYPOINT chroot --userspec=1:1 / /app\n", "", "(`chroot --userspec`)");
    skipped("FROM debian:12\nCMD [\"/usr/bin/supervisord\", \"-n\"]\n", "", "(`supervisord`)");
    skipped("FROM debian:12\nENTRYPOINT [\"/init\"]\n", "", "(`init`)");
    skipped("FROM ubuntu:22.04\nSTOPSIGNAL SIGRTMIN+3\nCMD [\"/sbin/init\"]\n", "", "STOPSIGNAL SIGRTMIN+3");
    skipped("FROM postgres:16\nCOPY a.sql /docker-entrypoint-initdb.d/\n", "", "drops to `postgres`");
    skipped("FROM ubuntu:22.04\nRUN useradd -m worker\nCMD [\"bash\"]\n", "", "creates a user (`useradd`)");
    skipped("FROM python:3\nWORKDIR /root/app\nCMD [\"python\"]\n", "", "is inside /root");
    skipped("FROM node:20\nUSER node\nUSER root\nCMD [\"node\"]\n", "", "switches back to root on purpose");
    skipped("FROM node:20\nUSER 0\nRUN x\n", "", "`USER 0` (line 2) is in effect");
    skipped(
        "FROM python:3 AS a\nCMD [\"x\"]\nFROM a AS t\nRUN pip install t\n",
        "[transforms.non-root-user]\ntarget = \"a\"\n",
        "stage `t` is built on it",
    );
    skipped("FROM python:3\n", "[transforms.non-root-user]\ntarget = \"nope\"\n", "target `nope` names no stage");
    let later_run = "FROM python:3 AS a\nUSER 1000\nCMD [\"x\"]\nFROM a AS t\nUSER 0\nRUN pip install t\n";
    assert_eq!(fix(later_run, "[transforms.non-root-user]\ntarget = \"a\"\n"), (later_run.to_string(), Vec::new()));
    // Bad options are refused when dfix.toml is read, naming the line; a configuration built otherwise gets a note.
    for (config, why) in [
        ("[transforms.non-root-user]\nuid = 0\n", "dfix.toml:2:7: `transforms.non-root-user.uid` must be a number"),
        ("[transforms.non-root-user]\nuser = \"Bad Name\"\n", "2:8: `transforms.non-root-user.user` must be a user"),
        ("[transforms.non-root-user]\nusr = \"x\"\n", "`transforms.non-root-user.usr` is not an option of"),
    ] {
        let err = Config::from_str(config, std::path::Path::new("dfix.toml")).unwrap_err().to_string();
        assert!(err.contains(why), "{err}");
    }
    let unchecked: Config = toml::from_str("[transforms.non-root-user]\nuid = 0\n").unwrap();
    let options = engine::Options {
        required: Applicability::Unsafe,
        ..engine::Options::new(vec![&NonRootUser], &unchecked, Knowledge::builtin())
    };
    let notes = engine::fix("FROM python:3\n", &options).unwrap().remaining;
    assert!(notes[0].message.contains("uid must be a number"), "{notes:?}");
    skipped("FROM python:3\nENV a=1 \\\n", "", "ends with a line continuation");
}

#[test]
fn nothing_to_say_when_a_non_root_user_is_in_effect() {
    for src in [
        "FROM python:3\nUSER app\n",
        "FROM python:3 AS base\nUSER 1000\nFROM base\nCMD [\"x\"]\n",
        "FROM bitnami/nginx:1.25\nCOPY a /b\n",
        "FROM gcr.io/distroless/static:nonroot\nCOPY a /b\n",
        "FROM python:3\nUSER $APP_USER\n",
    ] {
        assert_eq!(fix(src, ""), (src.to_string(), Vec::new()), "{src}");
    }
}

#[test]
fn warns_about_low_ports_and_volumes_next_to_the_fix() {
    let (output, notes) = fix("FROM python:3\nEXPOSE 8080 443/tcp\nVOLUME /data\nCMD [\"x\"]\n", "");
    assert!(output.contains("USER 10001:10001\nCMD"), "{output}");
    assert!(notes.iter().any(|n| n.contains("port 443 is below 1024")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("uid 10001")), "{notes:?}");
    let (_, notes) = fix("FROM python:3\nEXPOSE 8080\nCMD [\"x\"]\n", "");
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn command_words_are_not_mistaken_for_privilege_tools() {
    let (output, notes) = fix("FROM node:20\nCMD [\"npm\", \"run\", \"init\"]\n", "");
    assert!(output.contains("USER 1000:1000"), "{output} {notes:?}");
}

#[test]
fn a_workdir_that_cannot_be_resolved_is_not_chowned_and_is_noted() {
    let (output, notes) = fix("FROM python:3\nARG DIR\nWORKDIR $DIR\nCMD [\"x\"]\n", "");
    assert!(output.contains("--shell /usr/sbin/nologin app\nUSER 10001:10001\n"), "{output}");
    assert!(notes.iter().any(|n| n.contains("WORKDIR could not be resolved")), "{notes:?}");
    let (_, notes) = fix("FROM python:3\nARG DIR\nWORKDIR $DIR\nUSER 1000:1000\nCMD [\"x\"]\n", "");
    assert!(notes.is_empty(), "only the user this transform switches to is warned about: {notes:?}");
}

#[test]
fn a_workdir_with_shell_characters_is_quoted_for_chown() {
    let (output, _) = fix("FROM python:3\nWORKDIR /ap`\nCMD [\"x\"]\n", "");
    assert!(output.contains("&& chown 10001:10001 '/ap`'\nUSER 10001:10001\n"), "{output}");
    let (output, _) = fix("FROM python:3\nWORKDIR \"/srv/it's here\"\nCMD [\"x\"]\n", "");
    assert!(output.contains("&& chown 10001:10001 '/srv/it'\\''s here'\n"), "{output}");
}

#[test]
fn gid_defaults_to_uid() {
    let (output, _) = fix("FROM alpine:3\nCMD [\"x\"]\n", "[transforms.non-root-user]\nuid = 4242\n");
    assert!(output.contains("addgroup -S -g 4242 app && adduser -S -D -H -u 4242 -G app"), "{output}");
    assert!(output.contains("USER 4242:4242"), "{output}");
}

#[test]
fn the_documented_example_is_what_the_fix_does() {
    let docs: String =
        NonRootUser::META.docs.lines().map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l))).collect();
    let example = &docs[docs.find("## Example").unwrap()..];
    let blocks: Vec<&str> =
        example.split("```dockerfile\n").skip(1).take(2).map(|b| &b[..b.find("```").unwrap()]).collect();
    assert_eq!(fix(blocks[0], ""), (blocks[1].to_string(), Vec::new()));
}

#[test]
fn words_know_command_positions() {
    let w = words("sh -c 'exec gosu app node' && npm run init");
    let names: Vec<_> = w.iter().filter(|(_, c)| *c).map(|(w, _)| *w).collect();
    assert_eq!(names, ["sh", "exec", "gosu", "npm"]);
}

#[test]
fn paths_normalize_and_expand() {
    assert_eq!(normalize("/app/./x/../y/"), "/app/y");
    assert_eq!(normalize("//"), "/");
    let vars = HashMap::from([("HOME".to_string(), "/srv/home".to_string())]);
    assert_eq!(expand("${HOME}/app", &vars).as_deref(), Some("/srv/home/app"));
    assert_eq!(expand("$HOME", &vars).as_deref(), Some("/srv/home"));
    assert_eq!(expand("$OTHER/x", &vars), None);
    assert!(is_system_dir("/usr/local") && is_system_dir("/etc/app") && !is_system_dir("/usr/src/app"));
}

#[test]
fn user_names_are_checked() {
    assert!(valid_user_name("app") && valid_user_name("_svc-1"));
    assert!(!valid_user_name("App") && !valid_user_name("1app") && !valid_user_name("") && !valid_user_name("a b"));
}
