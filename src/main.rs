use std::process::ExitCode;

fn main() -> ExitCode {
    hb::main()
}
