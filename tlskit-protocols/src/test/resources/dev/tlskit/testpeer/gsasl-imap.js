// An IMAP front for GNU SASL's server (`gsasl --server`), which does SCRAM-SHA-256-PLUS with tls-exporter channel
// binding but speaks only base64 lines on stdin/stdout, without TLS. This script terminates implicit TLS (Node's
// OpenSSL), carries the IMAP framing (greeting, CAPABILITY, AUTHENTICATE with SASL-IR, LOGOUT) and hands each SASL
// line to one gsasl process per AUTHENTICATE. When gsasl asks for the tls-exporter channel binding it gets RFC 9266's
// value of THIS TLS session (OpenSSL's exporter: label "EXPORTER-Channel-Binding", 32 bytes); gsasl alone judges the
// proof and the binding, and the result is its exit status.
//
// usage: node gsasl-imap.js CERT KEY PASSWORD LOG MECHS [MAX_TLS_VERSION]
//   MECHS: the AUTH= mechanisms to announce, comma separated. Prints "PORT <n>" once listening on 127.0.0.1.
//   After a successful AUTHENTICATE, EXAMINE shows an empty mailbox.
//   LOG gets one line per AUTHENTICATE: "mech=M gs2=<GS2 header> result=OK|NO <gsasl's stderr>".
'use strict';
const tls = require('tls');
const fs = require('fs');
const cp = require('child_process');

const [certFile, keyFile, password, logFile, mechs, maxVersion] = process.argv.slice(2);
const capability = 'IMAP4rev1 SASL-IR LOGINDISABLED ' + mechs.split(',').map((m) => 'AUTH=' + m).join(' ');
const log = (line) => fs.appendFileSync(logFile, line + '\n');

const server = tls.createServer({
  cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile),
  minVersion: 'TLSv1.2', maxVersion: maxVersion || 'TLSv1.3',
}, (socket) => new Session(socket));
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));

class Session {
  constructor(socket) {
    this.socket = socket;
    this.buffer = '';
    this.sasl = null;
    socket.on('data', (d) => this.data(d));
    socket.on('error', () => this.end());
    socket.on('close', () => this.end());
    this.send('* OK [CAPABILITY ' + capability + '] gsasl IMAP front ready');
  }

  send(line) {
    if (!this.socket.destroyed) this.socket.write(line + '\r\n');
  }

  data(d) {
    this.buffer += d.toString('latin1');
    let i;
    while ((i = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      if (this.sasl) this.sasl.client(line); else this.command(line);
    }
  }

  command(line) {
    const [tag, name, ...args] = line.split(' ');
    switch ((name || '').toUpperCase()) {
      case 'CAPABILITY': this.send('* CAPABILITY ' + capability); this.send(tag + ' OK CAPABILITY done'); break;
      case 'NOOP': this.send(tag + ' OK NOOP done'); break;
      case 'LOGOUT': this.send('* BYE logging out'); this.send(tag + ' OK LOGOUT done'); this.socket.end(); break;
      case 'AUTHENTICATE': this.sasl = new Sasl(this, tag, args[0], args[1]); break;
      case 'EXAMINE': // an empty mailbox, once logged in: enough for `tlskit imap list`
        if (!this.authenticated) { this.send(tag + ' NO not logged in'); break; }
        this.send('* 0 EXISTS'); this.send('* OK [UIDVALIDITY 1] ok'); this.send(tag + ' OK [READ-ONLY] EXAMINE done');
        break;
      default: this.send(tag + ' BAD not in this front: ' + name);
    }
  }

  end() {
    if (this.sasl) this.sasl.kill();
  }
}

/** One AUTHENTICATE exchange, carried between the IMAP client and one gsasl server process. */
class Sasl {
  constructor(session, tag, mech, initial) {
    this.session = session;
    this.tag = tag;
    this.mech = mech;
    this.gs2 = '';
    this.out = '';
    this.err = '';
    this.awaitingClient = false;
    this.exited = null;
    // the exporter of this TLS 1.3 session, or null (OpenSSL refuses nothing here, but tls-exporter is TLS 1.3's)
    this.exporter = session.socket.getProtocol() === 'TLSv1.3'
      ? session.socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)) : null;
    if (!mechs.split(',').includes(mech)) {
      this.finish(session.send(tag + ' NO [CANNOT] not offered: ' + mech));
      return;
    }
    this.proc = cp.spawn('gsasl', ['--server', '--quiet', '--mechanism', mech, '--password', password]);
    this.proc.stdout.on('data', (d) => this.gsaslOutput(d.toString('latin1')));
    this.proc.stderr.on('data', (d) => { this.err += d.toString('latin1'); });
    this.proc.on('exit', (code) => this.gsaslExited(code));
    this.proc.stdin.on('error', () => {});
    if (initial === undefined) this.toClient('');
    else this.fromClient(initial === '=' ? '' : initial);
  }

  client(line) {
    if (!this.awaitingClient) return;
    this.awaitingClient = false;
    if (line === '*') {
      this.kill();
      this.finish(this.session.send(this.tag + ' BAD AUTHENTICATE cancelled'));
    } else if (this.exited !== null) {
      this.result();
    } else {
      this.fromClient(line);
    }
  }

  fromClient(b64) {
    if (!this.gs2) {
      const first = Buffer.from(b64, 'base64').toString('latin1');
      this.gs2 = first.slice(0, first.indexOf(',', first.indexOf(',') + 1) + 1);
    }
    this.proc.stdin.write(b64 + '\n');
    // after the server-final message and the client's empty answer gsasl would wait for application data
    if (this.serverFinalSent) this.proc.stdin.end();
  }

  toClient(b64) {
    this.serverFinalSent = Buffer.from(b64, 'base64').toString('latin1').startsWith('v=');
    this.awaitingClient = true;
    this.session.send('+ ' + b64);
  }

  gsaslOutput(text) {
    this.out += text;
    for (;;) {
      // gsasl prompts on stdout, without a newline, for the channel binding it needs
      const m = /Enter base64 encoded (tls-[a-z]+) channel binding: /.exec(this.out);
      if (m) {
        this.out = this.out.slice(0, m.index) + this.out.slice(m.index + m[0].length);
        const cb = m[1] === 'tls-exporter' && this.exporter ? this.exporter.toString('base64') : '';
        this.proc.stdin.write(cb + '\n');
        continue;
      }
      const i = this.out.indexOf('\n');
      if (i < 0) return;
      const line = this.out.slice(0, i).trim();
      this.out = this.out.slice(i + 1);
      if (line && line !== this.mech) this.toClient(line); // the first line names the mechanism
    }
  }

  gsaslExited(code) {
    this.exited = code;
    if (!this.awaitingClient) this.result();
  }

  result() {
    const ok = this.exited === 0;
    this.session.authenticated = ok;
    log('mech=' + this.mech + ' gs2=' + this.gs2 + ' result=' + (ok ? 'OK' : 'NO') + ' '
      + this.err.replace(/\s+/g, ' ').trim());
    this.finish(this.session.send(this.tag + (ok ? ' OK [CAPABILITY ' + capability + '] AUTHENTICATE done'
      : ' NO [AUTHENTICATIONFAILED] AUTHENTICATE failed')));
  }

  finish() {
    this.session.sasl = null;
  }

  kill() {
    if (this.proc && this.exited === null) this.proc.kill();
  }
}
