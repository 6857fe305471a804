//! `admin-port`: remote-access and administration ports in EXPOSE, and remote-login servers installed in RUN (a
//! note).

use crate::fix::Applicability;
use crate::syntax::InstructionKind;
use crate::transforms::packages::basename;
use crate::transforms::run_context::glob;
use crate::transforms::{Context, Proposals, Transform, TransformMeta, declare_transform};

declare_transform! {
    /// ## What it does
    /// Reports `EXPOSE` of ports used by remote-access and administration services (22 SSH, 23 Telnet, 2375 and
    /// 2376 the Docker daemon, 3389 RDP, 5900 VNC, 5985 WinRM, 6443 the Kubernetes API, ...; ranges such as
    /// `5900-5910` count), and RUN instructions that install a remote-login server (`openssh-server`, `dropbear`,
    /// `telnetd`, `xrdp`, `x11vnc`, ...) with a package manager dfix knows. It is a note: there is no fix.
    ///
    /// ## Why
    /// A container is reached with `docker exec` or `kubectl exec`; an SSH or VNC server inside it is another
    /// service to patch, another set of credentials, and an entry point for attackers. A published Docker daemon
    /// port without TLS gives root on the host to anyone who reaches it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y openssh-server
    /// EXPOSE 22 8080
    /// ```
    /// Reported: "`openssh-server` installs a remote-login server …" and "EXPOSE 22 (SSH) …".
    ///
    /// ## Knowledge
    /// `transforms/secrets.toml`: `[admin-ports]` (port -> service) and `admin-packages`; the package managers of
    /// `transforms/package-managers.toml`.
    ///
    /// ## Options
    /// None. Suppress it with `ignore = ["admin-port"]` for an image that must run such a service.
    pub AdminPort {
        id: "admin-port",
        summary: "Report exposed administration ports and installed remote-login servers",
        applicability: Applicability::DisplayOnly,
        default_enabled: true,
        aliases: [],
        since: "0.1.0",
    }
}

impl Transform for AdminPort {
    fn meta(&self) -> &'static TransformMeta {
        &Self::META
    }

    fn run(&self, cx: &Context<'_>, out: &mut Proposals) {
        let file = cx.file;
        let secrets = &cx.knowledge.secrets;
        let managers = &cx.knowledge.package_managers;
        let manager_commands: Vec<&str> = managers
            .apt
            .command
            .commands
            .iter()
            .chain(managers.managers.values().flat_map(|m| m.command.commands.iter()))
            .map(String::as_str)
            .collect();
        for instr in file.instructions() {
            match instr.kind {
                InstructionKind::Expose => {
                    for word in instr.whitespace_words() {
                        let port = word.raw.split('/').next().unwrap_or(&word.raw);
                        let (low, high) = match port.split_once('-') {
                            Some((a, b)) => (a.parse::<u32>(), b.parse::<u32>()),
                            None => (port.parse::<u32>(), port.parse::<u32>()),
                        };
                        let (Ok(low), Ok(high)) = (low, high) else { continue };
                        for (p, service) in &secrets.admin_ports {
                            let Ok(p) = p.parse::<u32>() else { continue };
                            if (low..=high).contains(&p) {
                                out.propose(
                                    instr.args.range_to_file(word.range.clone()),
                                    format!(
                                        "EXPOSE {p} ({service}) publishes a remote-access or administration port; \
                                         reach containers with `docker exec` instead"
                                    ),
                                );
                            }
                        }
                    }
                }
                InstructionKind::Run => {
                    let Some(body) = file.shell(instr.index) else { continue };
                    for cmd in body.command_list() {
                        let words = &cmd.words[cmd.unwrapped_start()..];
                        let Some(name) = words.first().and_then(|w| w.value.as_deref()) else { continue };
                        if !manager_commands.iter().any(|p| glob(p, basename(name))) {
                            continue;
                        }
                        for w in &words[1..] {
                            let Some(v) = w.value.as_deref() else { continue };
                            let package = v.split(['=', ':']).next().unwrap_or(v);
                            if secrets.admin_packages.iter().any(|p| p == package) {
                                out.propose(
                                    body.file_range(w.range.clone()),
                                    format!(
                                        "`{package}` installs a remote-login server in the image; reach containers \
                                         with `docker exec` instead"
                                    ),
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
