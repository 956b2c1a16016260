#!/usr/bin/env bash
# Starts a vsftpd for the by-hand runs on port 50000 (passive 50001-50200), as scripts/bench-ftps configures it plus
# write_enable; files in /tmp/i18-ftpsdata/v. Prints the pid. Usage: vsftpd.sh SIZE_MiB [MaxProtocol]
set -euo pipefail
here=/work/wt-i18-ftpsdata
. "$here/scripts/bench-common.sh"
[ -f /tmp/i18-ftpsdata/v/pid ] && kill "$(cat /tmp/i18-ftpsdata/v/pid)" 2>/dev/null && sleep 0.5 || true
dir=/tmp/i18-ftpsdata/v; rm -rf "$dir"; mkdir -p "$dir/root"; chmod 755 /tmp/i18-ftpsdata "$dir"
user=tlskitbench
export FTP_BENCH_PASSWORD=tlskit-Ftp-bench-7
id "$user" >/dev/null 2>&1 || useradd -M -d "/home/$user" -s /bin/bash "$user"
mkdir -p "/home/$user"; chown "$user" "/home/$user"
echo "$user:$FTP_BENCH_PASSWORD" | chpasswd
head -c $(($1 << 20)) /dev/urandom >"$dir/root/big.bin"; chown -R "$user" "$dir/root"
bench_cert "$dir"
mkdir -p /var/run/vsftpd/empty
cat >"$dir/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=50000
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_root=$dir/root
pasv_enable=YES
pasv_min_port=50001
pasv_max_port=50200
ssl_enable=YES
rsa_cert_file=$dir/cert.pem
rsa_private_key_file=$dir/key.pem
ssl_ciphers=ECDHE+AESGCM:ECDHE+CHACHA20
force_local_logins_ssl=YES
force_local_data_ssl=YES
require_ssl_reuse=YES
seccomp_sandbox=NO
pam_service_name=vsftpd
secure_chroot_dir=/var/run/vsftpd/empty
vsftpd_log_file=$dir/vsftpd.log
CONF
if [ -n "${2:-}" ]; then printf 'openssl_conf = d\n[d]\nssl_conf = s\n[s]\nsystem_default = p\n[p]\nMaxProtocol = %s\n' "$2" >"$dir/openssl.cnf"; export OPENSSL_CONF=$dir/openssl.cnf; fi
setsid /usr/sbin/vsftpd "$dir/vsftpd.conf" >"$dir/stdout.log" 2>&1 </dev/null & echo $! >"$dir/pid"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/50000") 2>/dev/null && break; sleep 0.2; done
cat "$dir/pid"
