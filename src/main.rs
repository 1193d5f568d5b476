fn main() -> std::process::ExitCode {
    kp_lint::app::main()
}
