//! The transform's options from `dfix.toml` (`[transforms.non-root-user]`).

use crate::config::Config;

use super::ID;

/// The transform's options from `dfix.toml`.
pub(crate) struct Settings {
    pub(crate) user: String,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    pub(crate) chown_app: bool,
    pub(crate) target: Option<String>,
}

impl Settings {
    pub(crate) fn read(config: &Config) -> Result<Settings, String> {
        let mut s = Settings { user: "app".into(), uid: 10001, gid: 10001, chown_app: false, target: None };
        let Some(table) = config.transform(ID) else { return Ok(s) };
        let bad = |key: &str, what: &str| format!("[transforms.{ID}] {key} must be {what}");
        let id = |key: &str, v: &toml::Value| {
            v.as_integer()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|&n| n > 0 && n < 1 << 31)
                .ok_or_else(|| bad(key, "a number from 1 to 2147483647 (0 is root)"))
        };
        let mut gid = None;
        for (key, value) in table {
            match key.as_str() {
                "user" => {
                    let name = value.as_str().filter(|n| valid_user_name(n));
                    s.user = name.ok_or_else(|| bad(key, "a user name such as \"app\" (a-z, 0-9, _ and -)"))?.into();
                }
                "uid" => s.uid = id(key, value)?,
                "gid" => gid = Some(id(key, value)?),
                "chown-app" => s.chown_app = value.as_bool().ok_or_else(|| bad(key, "true or false"))?,
                "target" => s.target = Some(value.as_str().ok_or_else(|| bad(key, "a stage name"))?.into()),
                "applicability" => {}
                _ => {
                    return Err(format!("[transforms.{ID}] has no option `{key}` (user, uid, gid, chown-app, target)"));
                }
            }
        }
        s.gid = gid.unwrap_or(s.uid);
        Ok(s)
    }
}

pub(crate) fn valid_user_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= 32
}
