# Shared by the benchmark scripts (source it; not run on its own).

# Prints a free loopback TCP port.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Writes DIR/key.pem and DIR/cert.pem: a throwaway self-signed EC P-256 certificate for localhost and 127.0.0.1,
# valid one day, the key every server of the benchmarks presents.
bench_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/key.pem" -out "$1/cert.pem" \
    -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
}
