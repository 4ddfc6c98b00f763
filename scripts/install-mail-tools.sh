#!/usr/bin/env bash
# Installs the outside tools that tests and the bench drive ChitBox with:
#   swaks, msmtp   real SMTP clients (apt)
#   chromium       headless browser for the web-inbox end-to-end tests (apt)
#   mutt, python3  readers and writers of mbox/maildir nobody here wrote, for
#                  the mailbox export/import tests (apt; script(1) gives mutt a terminal)
#   spamd, clamd   SpamAssassin's and ClamAV's daemons (apt); the tests start
#                  their own throwaway copies on private ports and never use
#                  the system services, sa-update or freshclam
#   mbsync         isync's IMAP sync client, for the IMAP tests (apt)
#   dovecot        dovecot-imapd, run by `npm run bench:imap` as a foreground
#                  process on a private port with a throwaway config (apt)
#   smtp-source, smtp-sink   Postfix's load tools, unpacked into .tools/postfix
#                  from the Debian package without installing (or running) Postfix.
# Safe to run again: every step is skipped when its result is already there.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
postfix_dir="$repo_root/.tools/postfix"

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  as_root=()
  echo "install-mail-tools: not root and no sudo; apt steps will likely fail" >&2
fi

# msmtp's postinst asks debconf about AppArmor; nobody is there to answer.
export DEBIAN_FRONTEND=noninteractive

apt_lists_fresh=0
refresh_apt_lists() {
  if [ "$apt_lists_fresh" -eq 0 ]; then
    "${as_root[@]}" apt-get update -qq
    apt_lists_fresh=1
  fi
}

# package name, then a command that succeeds once it is installed
apt_wanted=(
  "swaks command -v swaks"
  # swaks speaks STARTTLS only with Net::SSLeay, a Recommends that
  # --no-install-recommends leaves out
  "libnet-ssleay-perl perl -MNet::SSLeay -e 1"
  "msmtp command -v msmtp"
  "chromium command -v chromium"
  "mutt command -v mutt"
  "python3 command -v python3"
  "bsdutils command -v script"
  # The daemons live in /usr/sbin, which is not on every user's PATH.
  "spamassassin command -v spamassassin"
  "spamd test -x /usr/sbin/spamd"
  "clamav command -v clamscan"
  "clamav-daemon test -x /usr/sbin/clamd"
  "isync command -v mbsync"
  "dovecot-imapd test -x /usr/sbin/dovecot"
)
apt_missing=()
for entry in "${apt_wanted[@]}"; do
  read -r package check <<<"$entry"
  if ! eval "$check" >/dev/null 2>&1; then
    apt_missing+=("$package")
  fi
done
if [ "${#apt_missing[@]}" -gt 0 ]; then
  echo "install-mail-tools: apt-get install ${apt_missing[*]}"
  refresh_apt_lists
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

# Postfix's tools link against its private libraries in /usr/lib/postfix (their
# RUNPATH), so the wrappers below point the loader at the unpacked copy instead.
unpacked_source="$postfix_dir/root/usr/sbin/smtp-source"
if [ ! -x "$unpacked_source" ]; then
  echo "install-mail-tools: unpacking postfix into $postfix_dir"
  download_dir="$(mktemp -d)"
  trap 'rm -rf "$download_dir"' EXIT
  # apt-get download writes into the current directory; _apt cannot write to a
  # mktemp dir owned by root, so it downloads unsandboxed (a harmless warning).
  if ! (cd "$download_dir" && apt-get download -qq postfix 2>/dev/null); then
    refresh_apt_lists
    (cd "$download_dir" && apt-get download -qq postfix 2>/dev/null)
  fi
  rm -rf "$postfix_dir"
  mkdir -p "$postfix_dir"
  dpkg -x "$download_dir"/postfix_*.deb "$postfix_dir/root"
fi

mkdir -p "$postfix_dir/bin"
for tool in smtp-source smtp-sink; do
  wrapper="$postfix_dir/bin/$tool"
  cat >"$wrapper" <<EOF
#!/bin/sh
# Runs the unpacked Postfix $tool with its private libraries.
LD_LIBRARY_PATH="$postfix_dir/root/usr/lib/postfix\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$postfix_dir/root/usr/sbin/$tool" "\$@"
EOF
  chmod +x "$wrapper"
done

# The tools also need libc plus whatever the distro's postfix links; report any
# library the loader cannot find rather than failing later in the bench.
missing_libs="$(LD_LIBRARY_PATH="$postfix_dir/root/usr/lib/postfix" \
  ldd "$postfix_dir/root/usr/sbin/smtp-source" "$postfix_dir/root/usr/sbin/smtp-sink" |
  grep 'not found' || true)"
if [ -n "$missing_libs" ]; then
  echo "install-mail-tools: smtp-source/smtp-sink miss shared libraries:" >&2
  echo "$missing_libs" >&2
  exit 1
fi

echo "install-mail-tools: swaks at $(command -v swaks)"
echo "install-mail-tools: msmtp at $(command -v msmtp)"
echo "install-mail-tools: chromium at $(command -v chromium)"
echo "install-mail-tools: mutt at $(command -v mutt)"
echo "install-mail-tools: python3 at $(command -v python3)"
echo "install-mail-tools: mbsync at $(command -v mbsync), dovecot at /usr/sbin/dovecot"
echo "install-mail-tools: spamd at /usr/sbin/spamd, clamd at /usr/sbin/clamd"
echo "install-mail-tools: smtp-source at $postfix_dir/bin/smtp-source"
echo "install-mail-tools: smtp-sink at $postfix_dir/bin/smtp-sink"
