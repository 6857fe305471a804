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
        let mut gid = None;
        for (key, value) in table {
            s.set(key, value, &mut gid).map_err(|e| format!("[transforms.{ID}] {key} {e}"))?;
        }
        s.gid = gid.unwrap_or(s.uid);
        Ok(s)
    }

    /// Check one option as dfix.toml is read ([`crate::transforms::Transform::check_option`]).
    pub(crate) fn check(key: &str, value: &toml::Value) -> Result<(), String> {
        let mut settings = Settings { user: String::new(), uid: 0, gid: 0, chown_app: false, target: None };
        settings.set(key, value, &mut None)
    }

    /// Set one option; `Err` completes "`<key>` ...".
    fn set(&mut self, key: &str, value: &toml::Value, gid: &mut Option<u32>) -> Result<(), String> {
        let id = |v: &toml::Value| {
            v.as_integer()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|&n| n > 0 && n < 1 << 31)
                .ok_or("must be a number from 1 to 2147483647 (0 is root)")
        };
        match key {
            "user" => {
                let name = value.as_str().filter(|n| valid_user_name(n));
                self.user = name.ok_or("must be a user name such as \"app\" (a-z, 0-9, _ and -)")?.into();
            }
            "uid" => self.uid = id(value)?,
            "gid" => *gid = Some(id(value)?),
            "chown-app" => self.chown_app = value.as_bool().ok_or("must be true or false")?,
            "target" => self.target = Some(value.as_str().ok_or("must be a stage name")?.into()),
            "applicability" => {}
            _ => return Err(format!("is not an option of {ID} (user, uid, gid, chown-app, target)")),
        }
        Ok(())
    }
}

pub(crate) fn valid_user_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= 32
}
