// A password check for the login-guard tests that stays pending until
// released, so attempts really overlap; it counts the checks that ran.
export function gatedVerify() {
  let checks = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const verify = async () => {
    checks++;
    await gate;
    return null;
  };
  return { verify, release: () => open(), checks: () => checks };
}
