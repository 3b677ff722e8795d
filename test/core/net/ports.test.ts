import assert from 'node:assert/strict';
import { WELL_KNOWN_SERVICES, serviceName } from '../../../packages/core/src/net/ports.js';

describe('net/ports', () => {
  it('names the ports scanners probe', () => {
    const tcp: Array<[number, string]> = [
      [21, 'ftp'], [22, 'ssh'], [23, 'telnet'], [25, 'smtp'], [53, 'domain'], [80, 'http'], [110, 'pop3'], [139, 'netbios-ssn'],
      [143, 'imap'], [443, 'https'], [445, 'microsoft-ds'], [1433, 'ms-sql-s'], [2323, '3d-nfsd'], [3306, 'mysql'],
      [3389, 'ms-wbt-server'], [5060, 'sip'], [5432, 'postgresql'], [5900, 'rfb'], [6379, 'redis'], [8080, 'http-alt'],
      [8088, 'radan-http'], [8443, 'pcsync-https'], [9200, 'wap-wsp'], [27017, 'mongodb'],
    ];
    for (const [port, name] of tcp) assert.equal(serviceName(port, 'tcp')?.name, name, `${port}/tcp`);
    const udp: Array<[number, string]> = [
      [53, 'domain'], [67, 'bootps'], [69, 'tftp'], [123, 'ntp'], [137, 'netbios-ns'], [138, 'netbios-dgm'], [161, 'snmp'],
      [500, 'isakmp'], [1900, 'ssdp'], [4500, 'ipsec-nat-t'], [5060, 'sip'], [5353, 'mdns'], [11211, 'memcache'], [443, 'https'],
    ];
    for (const [port, name] of udp) assert.equal(serviceName(port, 'udp')?.name, name, `${port}/udp`);
  });

  it('keeps transports apart', () => {
    assert.equal(serviceName(514, 'tcp')?.name, 'shell');
    assert.equal(serviceName(514, 'udp')?.name, 'syslog');
    assert.equal(serviceName(512, 'udp')?.name, 'biff');
    assert.equal(serviceName(22, 'udp'), undefined);
    assert.equal(serviceName(123, 'tcp'), undefined);
    assert.equal(serviceName(137, 'tcp'), undefined);
  });

  it('describes in both languages', () => {
    assert.deepEqual(serviceName(3389, 'tcp')?.description, { en: 'Remote Desktop (RDP)', ja: 'リモートデスクトップ (RDP)' });
    assert.equal(serviceName(445, 'tcp')?.description.ja, 'SMB (Windows ファイル共有)');
    for (const s of WELL_KNOWN_SERVICES) assert.ok(s.description.en && s.description.ja && s.name, String(s.port));
  });

  it('has unknown ports unnamed and each port/transport once', () => {
    assert.equal(serviceName(48689, 'udp'), undefined);
    assert.equal(serviceName(0, 'tcp'), undefined);
    assert.equal(serviceName(-1, 'tcp'), undefined);
    const seen = new Set<string>();
    for (const s of WELL_KNOWN_SERVICES) {
      assert.ok(Number.isInteger(s.port) && s.port > 0 && s.port <= 65535);
      for (const t of s.transports) {
        const key = `${s.port}/${t}`;
        assert.ok(!seen.has(key), `duplicate ${key}`);
        seen.add(key);
      }
    }
    assert.ok(WELL_KNOWN_SERVICES.length >= 130);
  });
});
