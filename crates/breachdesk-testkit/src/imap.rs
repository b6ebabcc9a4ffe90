//! A real IMAP server for the suites: Debian's Dovecot (`dovecot-imapd`; `scripts/test` installs
//! it), started in the foreground with a throw-away configuration on a free local port —
//! plaintext login on 127.0.0.1, Maildir storage in a temporary directory, accounts in a
//! passwd-file. Messages are delivered with IMAP APPEND over a connection of its own, and the
//! folders read back the same way.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use std::fmt::Write;

use futures::TryStreamExt;

/// A running Dovecot; stopped when dropped.
#[derive(Debug)]
pub struct ImapServer {
    child: Child,
    pub port: u16,
    /// The implicit-TLS port, when started [`ImapServer::with_tls`] (the plain port then offers
    /// STARTTLS).
    pub tls_port: Option<u16>,
    dir: tempfile::TempDir,
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dovecot() -> PathBuf {
    ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("Dovecot (Debian: apt install dovecot-imapd; scripts/test installs it)")
}

/// Whether Dovecot is installed here.
#[must_use]
pub fn available() -> bool {
    ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .iter()
        .any(|p| std::path::Path::new(p).exists())
}

impl ImapServer {
    /// Starts Dovecot with the accounts `(user, password)`.
    pub fn start(accounts: &[(&str, &str)]) -> Self {
        Self::with(accounts, false, false)
    }

    /// Starts Dovecot with TLS: implicit TLS on [`ImapServer::tls_port`] and STARTTLS on the
    /// plain port, with a server certificate for `localhost` and 127.0.0.1 issued by a CA of its
    /// own ([`ImapServer::ca_file`]; made with `openssl`).
    pub fn with_tls(accounts: &[(&str, &str)]) -> Self {
        Self::with(accounts, false, true)
    }

    /// The PEM file of the CA that issued the TLS server certificate.
    #[must_use]
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls").join("ca.pem")
    }

    /// Starts Dovecot announcing neither IDLE nor MOVE, as older or smaller servers do: a
    /// client must poll, and move by COPY, `\Deleted` and EXPUNGE.
    pub fn without_idle_and_move(accounts: &[(&str, &str)]) -> Self {
        Self::with(accounts, true, false)
    }

    fn with(accounts: &[(&str, &str)], plain: bool, tls: bool) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Dovecot's processes run as other users: the tree must be open to them.
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let port = crate::smtp::free_port();
        let (uid, gid, internal, login) = if is_root() {
            (65534, 65534, "dovecot".to_owned(), "dovenull".to_owned())
        } else {
            let user = std::env::var("USER").unwrap_or_else(|_| "nobody".into());
            let id = |flag: &str| {
                String::from_utf8(Command::new("id").arg(flag).output().unwrap().stdout)
                    .unwrap()
                    .trim()
                    .parse::<u32>()
                    .unwrap()
            };
            (id("-u"), id("-g"), user.clone(), user)
        };
        let mut passwd = String::new();
        for (user, password) in accounts {
            let home = root.join("home").join(user);
            std::fs::create_dir_all(&home).unwrap();
            let _ = writeln!(
                passwd,
                "{user}:{{PLAIN}}{password}:{uid}:{gid}::{}::",
                home.display()
            );
        }
        if is_root() {
            // The mail user owns its home and mail.
            let _ = Command::new("chown")
                .args(["-R", &format!("{uid}:{gid}")])
                .arg(root.join("home"))
                .status();
        }
        std::fs::write(root.join("passwd"), passwd).unwrap();
        let tls_port = tls.then(crate::smtp::free_port);
        let ssl = if tls {
            let dir = root.join("tls");
            make_certificates(&dir);
            format!(
                "ssl = yes\nssl_cert = <{0}/server.pem\nssl_key = <{0}/server.key\n",
                dir.display()
            )
        } else {
            "ssl = no\n".to_owned()
        };
        let config = format!(
            r"base_dir = {root}/run
state_dir = {root}/state
instance_name = breachdesk-test-{port}
protocols = imap
listen = 127.0.0.1
{ssl}disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_internal_user = {internal}
default_login_user = {login}
log_path = {root}/dovecot.log
{capability}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
",
            root = root.display(),
            imaps = tls_port.unwrap_or(0),
            capability = if plain {
                "imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE UNSELECT CHILDREN NAMESPACE UIDPLUS"
            } else {
                ""
            }
        );
        std::fs::write(root.join("dovecot.conf"), config).unwrap();
        let child = Command::new(dovecot())
            .arg("-F")
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting dovecot");
        let server = Self {
            child,
            port,
            tls_port,
            dir,
        };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "dovecot did not listen on {port}: {}",
            std::fs::read_to_string(server.dir.path().join("dovecot.log")).unwrap_or_default()
        );
    }

    /// Dovecot's log.
    #[must_use]
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    async fn session(
        &self,
        user: &str,
        password: &str,
    ) -> async_imap::Session<tokio::net::TcpStream> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap().unwrap();
        client
            .login(user, password)
            .await
            .map_err(|(e, _)| e)
            .unwrap()
    }

    /// Delivers raw messages into a folder with IMAP APPEND (the folder is made if missing).
    pub async fn append(&self, user: &str, password: &str, folder: &str, messages: &[Vec<u8>]) {
        let mut s = self.session(user, password).await;
        let _ = s.create(folder).await;
        for m in messages {
            s.append(folder, None, None, m).await.unwrap();
        }
        s.logout().await.unwrap();
    }

    /// The messages now in a folder (none when it does not exist).
    pub async fn messages(&self, user: &str, password: &str, folder: &str) -> Vec<Vec<u8>> {
        let mut s = self.session(user, password).await;
        if s.select(folder).await.is_err() {
            return Vec::new();
        }
        let out: Vec<Vec<u8>> = {
            let fetches = s.fetch("1:*", "BODY.PEEK[]").await;
            match fetches {
                Ok(stream) => stream
                    .try_collect::<Vec<_>>()
                    .await
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|f| f.body().map(<[u8]>::to_vec))
                    .collect(),
                Err(_) => Vec::new(),
            }
        };
        let _ = s.logout().await;
        out
    }
}

/// A CA and a server certificate for `localhost` / 127.0.0.1 it issued, in `dir`.
fn make_certificates(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=BreachDesk test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        "server.pem",
        "-extfile",
        "server.ext",
    ]);
    // Dovecot reads the key as root before dropping privileges; others need not.
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}
