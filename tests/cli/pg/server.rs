//! A real PostgreSQL server from the Debian packages for the tests of one test binary
//! run: started once (a `OnceLock`), on a loopback port, with a throwaway data
//! directory, TLS from a CA made here, and stopped when the run ends. Each test gets its
//! own database (`Server::database`), so tests run side by side.
//!
//! Stopping: the server lives in a static, whose Drop never runs, so a reaper process
//! holds the other end of a pipe from this process and stops the server when it reads
//! end-of-file: whenever this process ends, a failing test, a panic or a kill included.
//! The reaper is in its own process group, so a Ctrl-C to the tests does not kill it first.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The superuser's password (the server is on loopback, for this run only).
pub const SUPERUSER_PASSWORD: &str = "pg-super-secret";
/// The SELECT-only role the checks log in as, and its password.
pub const READER: &str = "hb_reader";
pub const READER_PASSWORD: &str = "reader-secret-7431";
/// The role the runlog writes `agent_runs` as.
pub const WRITER: &str = "hb_writer";
pub const WRITER_PASSWORD: &str = "writer-secret-2218";

pub struct Server {
    pub port: u16,
    /// The CA that signed the server's certificate (PEM).
    pub ca_file: PathBuf,
    /// Another CA, which signed nothing the server has.
    pub other_ca_file: PathBuf,
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
    /// The reaper's stdin: it stops the server when this end closes.
    _reaper: (Child, ChildStdin),
}

static SERVER: OnceLock<Option<Server>> = OnceLock::new();

/// The run's server, started on first use; None when PostgreSQL is not installed here
/// (a failure under `CI=true`, where the tests must run).
pub fn server() -> Option<&'static Server> {
    SERVER
        .get_or_init(|| match bin_dir() {
            Some(bin) => Some(Server::start(bin)),
            None => {
                crate::support::tool_missing(
                    "PostgreSQL (/usr/lib/postgresql/*/bin, package postgresql; .ci/run installs it)",
                    "for the PostgreSQL tests",
                );
                None
            }
        })
        .as_ref()
}

/// The newest `/usr/lib/postgresql/N/bin` with initdb in it.
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// A PostgreSQL program, as the `postgres` user when this is root (initdb refuses root).
fn pg_command(bin: &Path, program: &str) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(bin.join(program));
        cmd
    } else {
        Command::new(bin.join(program))
    }
}

fn run(mut cmd: Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Hand a path to the `postgres` user (when this is root).
fn give(path: &Path) {
    if is_root() {
        run(
            {
                let mut cmd = Command::new("chown");
                cmd.args(["-R", "postgres:postgres"]).arg(path);
                cmd
            },
            "chown",
        );
    }
}

impl Server {
    fn start(bin: PathBuf) -> Server {
        let dir = tempfile::Builder::new()
            .prefix("hb-pg-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let data = dir.join("data");
        std::fs::write(dir.join("pwfile"), SUPERUSER_PASSWORD).expect("pwfile");
        let (ca_file, other_ca_file) = certificates(&dir);
        give(&dir);
        let mut initdb = pg_command(&bin, "initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "--auth-local=trust",
            ])
            .args(["--auth-host=scram-sha-256", "--pwfile"])
            .arg(dir.join("pwfile"));
        run(initdb, "initdb");
        // The reaper first: from here on, whatever happens, the server is stopped.
        let mut reaper = Command::new("sh");
        reaper
            .arg("-c")
            .arg(
                "cat >/dev/null; \"$@\" -D \"$DATA\" stop -m immediate >/dev/null 2>&1; rm -rf \"$DIR\"",
            )
            .arg("reaper")
            .args(pg_command(&bin, "pg_ctl").get_program_and_args())
            .env("DATA", &data)
            .env("DIR", &dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        let mut reaper = reaper.spawn().expect("spawn the reaper");
        let stdin = reaper.stdin.take().expect("the reaper's stdin");
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            let mut pg_ctl = pg_command(&bin, "pg_ctl");
            pg_ctl
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("server.log"))
                .args(["-w", "-t", "30", "-o"])
                .arg(format!(
                    "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
                     -c ssl=on -c ssl_cert_file={} -c ssl_key_file={} -c max_connections=200",
                    dir.display(),
                    dir.join("server.crt").display(),
                    dir.join("server.key").display()
                ))
                .arg("start");
            let out = pg_ctl.output().expect("pg_ctl");
            if out.status.success() {
                let server = Server {
                    port,
                    ca_file,
                    other_ca_file,
                    bin,
                    dir,
                    data,
                    _reaper: (reaper, stdin),
                };
                server.setup();
                return server;
            }
            last_error = format!(
                "{}{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(server_log(&data)).unwrap_or_default()
            );
        }
        // The reaper removes the data directory once its pipe closes.
        drop(stdin);
        let _ = reaper.wait();
        panic!("PostgreSQL did not start: {last_error}");
    }

    /// The roles every test shares (roles belong to the whole server).
    fn setup(&self) {
        let mut client = self.superuser("postgres");
        client
            .batch_execute(&format!(
                "CREATE ROLE {READER} LOGIN PASSWORD '{READER_PASSWORD}';
                 CREATE ROLE {WRITER} LOGIN PASSWORD '{WRITER_PASSWORD}';
                 CREATE ROLE etl NOLOGIN BYPASSRLS;
                 CREATE ROLE app_owner NOLOGIN;"
            ))
            .expect("roles");
    }

    /// `postgres://USER@127.0.0.1:PORT/DB` (no password: that comes from the environment).
    pub fn url(&self, user: &str, db: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{db}", self.port)
    }

    /// A superuser connection to `db`.
    pub fn superuser(&self, db: &str) -> postgres::Client {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = format!(
                "postgres://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{}/{db}",
                self.port
            );
            match postgres::Client::connect(&url, postgres::NoTls) {
                Ok(client) => return client,
                Err(err) if Instant::now() < deadline => {
                    let _ = err;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(err) => panic!("connect to the test server: {err}"),
            }
        }
    }

    /// A fresh database for one test, with the application's schema (see `APP_SCHEMA`).
    pub fn database(&self, name: &str) -> String {
        let mut admin = self.superuser("postgres");
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name} OWNER app_owner"),
        ] {
            admin.batch_execute(&sql).expect("create the test database");
        }
        let mut client = self.superuser(name);
        client
            .batch_execute(APP_SCHEMA)
            .expect("the application schema");
        name.to_string()
    }

    #[allow(dead_code)]
    pub fn bin(&self) -> &Path {
        &self.bin
    }
}

/// The application as the protocol knows it: tenants, a ledger, tasks and invoices
/// under row-level security (invoices without a policy), a ledger without it, a shared
/// table of countries, and `agent_runs`. The reader may only SELECT; the writer may add
/// `agent_runs` rows.
pub const APP_SCHEMA: &str = "
    SET ROLE app_owner;
    CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL);
    CREATE TABLE ledger_entries (
        id serial PRIMARY KEY, tenant_id text NOT NULL, account_type text NOT NULL,
        amount numeric(12, 2) NOT NULL);
    CREATE TABLE tasks (
        id serial PRIMARY KEY, tenant_id text NOT NULL, status text NOT NULL,
        started_at bigint, cost_usd numeric(10, 4) NOT NULL DEFAULT 0);
    CREATE TABLE invoices (id serial PRIMARY KEY, tenant_id text NOT NULL, total numeric);
    CREATE TABLE countries (code text PRIMARY KEY);
    CREATE TABLE agent_runs (
        id uuid PRIMARY KEY, tenant_id text NOT NULL, agent_id text NOT NULL,
        task_id text NOT NULL, status text NOT NULL,
        started_at timestamptz, finished_at timestamptz);
    INSERT INTO tenants VALUES ('acme', 'Acme'), ('globex', 'Globex');
    INSERT INTO ledger_entries (tenant_id, account_type, amount) VALUES
        ('acme', 'asset', 1000.50), ('acme', 'liability', 400.25), ('acme', 'equity', 600.25);
    INSERT INTO tasks (tenant_id, status, started_at, cost_usd) VALUES
        ('acme', 'queued', NULL, 1.5), ('acme', 'queued', NULL, 2.25),
        ('globex', 'queued', NULL, 0.75), ('globex', 'running', 1795600000, 60.125);
    INSERT INTO countries VALUES ('US'), ('DE');
    ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
    ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON tenants
        USING (id = current_setting('app.tenant_id', true) OR current_user = 'hb_reader');
    ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
    ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON tasks
        USING (tenant_id = current_setting('app.tenant_id', true) OR current_user = 'hb_reader');
    ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
    ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
    ALTER TABLE agent_runs ENABLE ROW LEVEL SECURITY;
    ALTER TABLE agent_runs FORCE ROW LEVEL SECURITY;
    CREATE POLICY system_runs ON agent_runs USING (true) WITH CHECK (tenant_id = 'system');
    GRANT USAGE ON SCHEMA public TO hb_reader, hb_writer;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO hb_reader;
    GRANT SELECT, INSERT ON agent_runs TO hb_writer;
    RESET ROLE;
";

fn server_log(data: &Path) -> PathBuf {
    data.parent().unwrap_or(data).join("server.log")
}

/// A port nothing listens on now (PostgreSQL binds it itself; a clash is retried).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A CA and the server's certificate for 127.0.0.1 and localhost, signed by it; and a
/// second CA that signed nothing. Written into `dir` (the key for the server only).
fn certificates(dir: &Path) -> (PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, SanType};
    let ca_key = KeyPair::generate().expect("ca key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("ca");
    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params
        .subject_alt_names
        .push(SanType::IpAddress("127.0.0.1".parse().expect("ip")));
    let cert = params.signed_by(&key, &ca, &ca_key).expect("server cert");
    let other_key = KeyPair::generate().expect("other key");
    let mut other_params = CertificateParams::new(Vec::<String>::new()).expect("other params");
    other_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let other = other_params.self_signed(&other_key).expect("other ca");

    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .expect("write pem");
        path
    };
    write("server.crt", cert.pem());
    let key_path = write("server.key", key.serialize_pem());
    std::fs::set_permissions(
        &key_path,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("key mode");
    (
        write("ca.crt", ca.pem()),
        write("other-ca.crt", other.pem()),
    )
}

impl Drop for Server {
    /// A server that is not the run's static one (none today) stops with its owner.
    fn drop(&mut self) {
        let mut stop = pg_command(&self.bin, "pg_ctl");
        stop.arg("-D")
            .arg(&self.data)
            .args(["stop", "-m", "immediate"]);
        let _ = stop.output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A command's program and arguments, for the reaper to run later.
trait ProgramAndArgs {
    fn get_program_and_args(&self) -> Vec<std::ffi::OsString>;
}

impl ProgramAndArgs for Command {
    fn get_program_and_args(&self) -> Vec<std::ffi::OsString> {
        std::iter::once(self.get_program().to_os_string())
            .chain(self.get_args().map(|a| a.to_os_string()))
            .collect()
    }
}
