import type { Text } from '../i18n/text.js';

export type PortTransport = 'tcp' | 'udp';

export interface ServiceEntry {
  readonly port: number;
  readonly transports: readonly PortTransport[];
  /** The IANA service name (as `/etc/services` spells it where the two differ only in case or alias). */
  readonly name: string;
  readonly description: Text;
}

type Row = readonly [port: number, transports: 'tcp' | 'udp' | 'both', name: string, en: string, ja: string];

/**
 * The ports scanners probe and sysadmins meet, not the whole IANA registry (core cannot read /etc/services, and the
 * long tail would mostly name dead protocols that a scanner's hit on an unassigned port does not use anyway).
 * Where a port is famous for an unregistered use, the name stays IANA's and the description says what it is in
 * practice (1521 Oracle, 9200 Elasticsearch...).
 */
const ROWS: readonly Row[] = [
  [7, 'both', 'echo', 'Echo (a reflection service, misused for amplification)', 'エコー (反射サービス、増幅攻撃に悪用される)'],
  [9, 'both', 'discard', 'Discard', 'ディスカード (破棄)'],
  [13, 'both', 'daytime', 'Daytime', 'デイタイム (時刻文字列)'],
  [17, 'both', 'qotd', 'Quote of the day (misused for amplification)', '今日の格言 (増幅攻撃に悪用される)'],
  [19, 'both', 'chargen', 'Character generator (misused for amplification)', '文字生成 (増幅攻撃に悪用される)'],
  [20, 'tcp', 'ftp-data', 'FTP data', 'FTP データ転送'],
  [21, 'tcp', 'ftp', 'FTP control', 'FTP 制御'],
  [22, 'tcp', 'ssh', 'SSH remote login', 'SSH リモートログイン'],
  [23, 'tcp', 'telnet', 'Telnet (unencrypted remote login, a favourite of IoT botnets)', 'Telnet (暗号化なしのリモートログイン、IoT ボットネットの標的)'],
  [25, 'tcp', 'smtp', 'SMTP mail transfer', 'SMTP メール転送'],
  [37, 'both', 'time', 'Time protocol', 'Time プロトコル'],
  [43, 'tcp', 'whois', 'WHOIS directory', 'WHOIS 問い合わせ'],
  [49, 'both', 'tacacs', 'TACACS login host', 'TACACS 認証'],
  [53, 'both', 'domain', 'DNS', 'DNS (名前解決)'],
  [67, 'udp', 'bootps', 'DHCP/BOOTP server', 'DHCP/BOOTP サーバー'],
  [68, 'udp', 'bootpc', 'DHCP/BOOTP client', 'DHCP/BOOTP クライアント'],
  [69, 'udp', 'tftp', 'Trivial FTP (no authentication)', 'TFTP (認証なしのファイル転送)'],
  [70, 'tcp', 'gopher', 'Gopher', 'Gopher'],
  [79, 'tcp', 'finger', 'Finger user information', 'Finger (ユーザー情報)'],
  [80, 'both', 'http', 'HTTP web (UDP: HTTP/3 over QUIC)', 'HTTP ウェブ (UDP は QUIC 上の HTTP/3)'],
  [88, 'both', 'kerberos', 'Kerberos authentication', 'Kerberos 認証'],
  [102, 'tcp', 'iso-tsap', 'ISO-TSAP (Siemens S7 PLCs)', 'ISO-TSAP (Siemens S7 PLC)'],
  [110, 'tcp', 'pop3', 'POP3 mail retrieval', 'POP3 メール受信'],
  [111, 'both', 'sunrpc', 'ONC RPC portmapper (rpcbind)', 'ONC RPC ポートマッパー (rpcbind)'],
  [113, 'tcp', 'auth', 'Ident', 'Ident (ユーザー識別)'],
  [119, 'tcp', 'nntp', 'NNTP news', 'NNTP ニュース'],
  [123, 'udp', 'ntp', 'NTP time synchronisation', 'NTP 時刻同期'],
  [135, 'both', 'epmap', 'Microsoft RPC endpoint mapper (DCE)', 'Microsoft RPC エンドポイントマッパー (DCE)'],
  [137, 'udp', 'netbios-ns', 'NetBIOS name service', 'NetBIOS 名前サービス'],
  [138, 'udp', 'netbios-dgm', 'NetBIOS datagram service', 'NetBIOS データグラムサービス'],
  [139, 'tcp', 'netbios-ssn', 'NetBIOS session (old Windows file sharing)', 'NetBIOS セッション (旧来の Windows ファイル共有)'],
  [143, 'tcp', 'imap', 'IMAP mail access', 'IMAP メールアクセス'],
  [161, 'udp', 'snmp', 'SNMP device management', 'SNMP 機器管理'],
  [162, 'udp', 'snmptrap', 'SNMP traps', 'SNMP トラップ'],
  [177, 'udp', 'xdmcp', 'X display manager', 'X ディスプレイマネージャー (XDMCP)'],
  [179, 'tcp', 'bgp', 'BGP routing', 'BGP ルーティング'],
  [194, 'tcp', 'irc', 'Internet Relay Chat', 'IRC チャット'],
  [389, 'both', 'ldap', 'LDAP directory (UDP: CLDAP, misused for amplification)', 'LDAP ディレクトリ (UDP の CLDAP は増幅攻撃に悪用される)'],
  [427, 'both', 'svrloc', 'Service Location Protocol (SLP)', 'サービスロケーションプロトコル (SLP)'],
  [443, 'both', 'https', 'HTTPS web (UDP: HTTP/3 over QUIC)', 'HTTPS ウェブ (UDP は QUIC 上の HTTP/3)'],
  [445, 'tcp', 'microsoft-ds', 'SMB Windows file sharing', 'SMB (Windows ファイル共有)'],
  [464, 'both', 'kpasswd', 'Kerberos password change', 'Kerberos パスワード変更'],
  [465, 'tcp', 'submissions', 'Mail submission over TLS', 'TLS でのメール送信 (サブミッション)'],
  [500, 'udp', 'isakmp', 'IPsec key exchange (IKE)', 'IPsec 鍵交換 (IKE)'],
  [502, 'tcp', 'mbap', 'Modbus TCP (industrial control)', 'Modbus TCP (産業制御)'],
  [512, 'tcp', 'exec', 'rexec remote execution', 'rexec リモート実行'],
  [512, 'udp', 'biff', 'Biff new-mail notification', 'Biff (新着メール通知)'],
  [513, 'tcp', 'login', 'rlogin remote login', 'rlogin リモートログイン'],
  [513, 'udp', 'who', 'rwho', 'rwho'],
  [514, 'tcp', 'shell', 'rsh remote shell', 'rsh リモートシェル'],
  [514, 'udp', 'syslog', 'Syslog', 'Syslog'],
  [515, 'tcp', 'printer', 'LPD printing', 'LPD 印刷'],
  [520, 'udp', 'router', 'RIP routing', 'RIP ルーティング'],
  [521, 'udp', 'ripng', 'RIPng routing', 'RIPng ルーティング'],
  [540, 'tcp', 'uucp', 'UUCP', 'UUCP'],
  [546, 'udp', 'dhcpv6-client', 'DHCPv6 client', 'DHCPv6 クライアント'],
  [547, 'udp', 'dhcpv6-server', 'DHCPv6 server', 'DHCPv6 サーバー'],
  [548, 'tcp', 'afpovertcp', 'Apple file sharing (AFP)', 'Apple ファイル共有 (AFP)'],
  [554, 'both', 'rtsp', 'RTSP streaming (IP cameras)', 'RTSP ストリーミング (IP カメラ)'],
  [587, 'tcp', 'submission', 'Mail submission', 'メール送信 (サブミッション)'],
  [593, 'tcp', 'http-rpc-epmap', 'Microsoft RPC over HTTP', 'HTTP 経由の Microsoft RPC'],
  [623, 'udp', 'asf-rmcp', 'IPMI remote management (BMC)', 'IPMI リモート管理 (BMC)'],
  [631, 'both', 'ipp', 'Internet Printing Protocol (CUPS)', 'インターネット印刷プロトコル (CUPS)'],
  [636, 'tcp', 'ldaps', 'LDAP over TLS', 'TLS 上の LDAP'],
  [853, 'both', 'domain-s', 'DNS over TLS (UDP: DNS over QUIC)', 'DNS over TLS (UDP は DNS over QUIC)'],
  [873, 'tcp', 'rsync', 'rsync', 'rsync'],
  [989, 'tcp', 'ftps-data', 'FTP over TLS, data', 'TLS 上の FTP (データ)'],
  [990, 'tcp', 'ftps', 'FTP over TLS, control', 'TLS 上の FTP (制御)'],
  [993, 'tcp', 'imaps', 'IMAP over TLS', 'TLS 上の IMAP'],
  [995, 'tcp', 'pop3s', 'POP3 over TLS', 'TLS 上の POP3'],
  [1080, 'tcp', 'socks', 'SOCKS proxy', 'SOCKS プロキシ'],
  [1194, 'both', 'openvpn', 'OpenVPN', 'OpenVPN'],
  [1433, 'tcp', 'ms-sql-s', 'Microsoft SQL Server', 'Microsoft SQL Server'],
  [1434, 'udp', 'ms-sql-m', 'Microsoft SQL Server browser', 'Microsoft SQL Server ブラウザー'],
  [1521, 'tcp', 'ncube-lm', 'Oracle database listener (in practice)', 'Oracle データベースのリスナー (実際の用途)'],
  [1604, 'udp', 'icabrowser', 'Citrix ICA browser', 'Citrix ICA ブラウザー'],
  [1701, 'udp', 'l2tp', 'L2TP VPN', 'L2TP VPN'],
  [1723, 'tcp', 'pptp', 'PPTP VPN', 'PPTP VPN'],
  [1812, 'udp', 'radius', 'RADIUS authentication', 'RADIUS 認証'],
  [1813, 'udp', 'radius-acct', 'RADIUS accounting', 'RADIUS アカウンティング'],
  [1883, 'tcp', 'mqtt', 'MQTT messaging (IoT)', 'MQTT メッセージング (IoT)'],
  [1900, 'udp', 'ssdp', 'SSDP / UPnP discovery (misused for amplification)', 'SSDP / UPnP 機器探索 (増幅攻撃に悪用される)'],
  [2000, 'tcp', 'cisco-sccp', 'Cisco SCCP (Skinny) telephony', 'Cisco SCCP (Skinny) 電話'],
  [2049, 'both', 'nfs', 'NFS file sharing', 'NFS ファイル共有'],
  [2323, 'tcp', '3d-nfsd', 'Telnet on an alternate port (a Mirai botnet target)', '代替ポートの Telnet (Mirai ボットネットの標的)'],
  [2375, 'tcp', 'docker', 'Docker API, unencrypted (remote root if exposed)', 'Docker API 暗号化なし (公開されると root 権限を奪われる)'],
  [2376, 'tcp', 'docker-s', 'Docker API over TLS', 'TLS 上の Docker API'],
  [2379, 'tcp', 'etcd-client', 'etcd client API', 'etcd クライアント API'],
  [2380, 'tcp', 'etcd-server', 'etcd peer', 'etcd ピア通信'],
  [2404, 'tcp', 'iec-104', 'IEC 60870-5-104 (power grid control)', 'IEC 60870-5-104 (電力系統制御)'],
  [3260, 'tcp', 'iscsi-target', 'iSCSI storage', 'iSCSI ストレージ'],
  [3268, 'tcp', 'msft-gc', 'Active Directory global catalog', 'Active Directory グローバルカタログ'],
  [3306, 'tcp', 'mysql', 'MySQL / MariaDB', 'MySQL / MariaDB'],
  [3389, 'both', 'ms-wbt-server', 'Remote Desktop (RDP)', 'リモートデスクトップ (RDP)'],
  [3478, 'both', 'stun', 'STUN / TURN (WebRTC NAT traversal)', 'STUN / TURN (WebRTC の NAT 越え)'],
  [3690, 'tcp', 'svn', 'Subversion', 'Subversion'],
  [3702, 'udp', 'ws-discovery', 'WS-Discovery (misused for amplification)', 'WS-Discovery (増幅攻撃に悪用される)'],
  [4369, 'tcp', 'epmd', 'Erlang port mapper (RabbitMQ, CouchDB)', 'Erlang ポートマッパー (RabbitMQ, CouchDB)'],
  [4500, 'udp', 'ipsec-nat-t', 'IPsec NAT traversal', 'IPsec NAT トラバーサル'],
  [4789, 'udp', 'vxlan', 'VXLAN overlay network', 'VXLAN オーバーレイネットワーク'],
  [4840, 'tcp', 'opcua-tcp', 'OPC UA (industrial control)', 'OPC UA (産業制御)'],
  [5060, 'both', 'sip', 'SIP VoIP signalling (a favourite of toll-fraud scanners)', 'SIP VoIP 呼制御 (不正通話目的のスキャンが多い)'],
  [5061, 'tcp', 'sips', 'SIP over TLS', 'TLS 上の SIP'],
  [5222, 'tcp', 'xmpp-client', 'XMPP chat client', 'XMPP チャット (クライアント)'],
  [5269, 'tcp', 'xmpp-server', 'XMPP chat server-to-server', 'XMPP チャット (サーバー間)'],
  [5349, 'both', 'stuns', 'STUN / TURN over TLS', 'TLS 上の STUN / TURN'],
  [5353, 'udp', 'mdns', 'Multicast DNS (Bonjour / Avahi)', 'マルチキャスト DNS (Bonjour / Avahi)'],
  [5355, 'both', 'llmnr', 'Link-local multicast name resolution (Windows)', 'LLMNR リンクローカル名前解決 (Windows)'],
  [5432, 'tcp', 'postgresql', 'PostgreSQL', 'PostgreSQL'],
  [5555, 'tcp', 'personal-agent', 'Android debug bridge (ADB) in practice', 'Android デバッグブリッジ (ADB、実際の用途)'],
  [5631, 'tcp', 'pcanywheredata', 'pcAnywhere remote control', 'pcAnywhere リモート操作'],
  [5632, 'udp', 'pcanywherestat', 'pcAnywhere status', 'pcAnywhere 状態'],
  [5672, 'tcp', 'amqp', 'AMQP message queue (RabbitMQ)', 'AMQP メッセージキュー (RabbitMQ)'],
  [5683, 'udp', 'coap', 'CoAP (IoT, misused for amplification)', 'CoAP (IoT、増幅攻撃に悪用される)'],
  [5900, 'tcp', 'rfb', 'VNC remote desktop (remote framebuffer)', 'VNC リモートデスクトップ (RFB)'],
  [5984, 'tcp', 'couchdb', 'CouchDB', 'CouchDB'],
  [5985, 'tcp', 'wsman', 'WinRM / WS-Management', 'WinRM / WS-Management'],
  [5986, 'tcp', 'wsmans', 'WinRM / WS-Management over TLS', 'TLS 上の WinRM / WS-Management'],
  [6000, 'tcp', 'x11', 'X Window System', 'X Window System'],
  [6379, 'tcp', 'redis', 'Redis', 'Redis'],
  [6443, 'tcp', 'sun-sr-https', 'Kubernetes API server (in practice)', 'Kubernetes API サーバー (実際の用途)'],
  [6514, 'tcp', 'syslog-tls', 'Syslog over TLS', 'TLS 上の Syslog'],
  [6667, 'tcp', 'ircu', 'IRC (also botnet command channels)', 'IRC (ボットネットの指令にも使われる)'],
  [7547, 'tcp', 'cwmp', 'TR-069 router management (a Mirai target)', 'TR-069 ルーター管理 (Mirai の標的)'],
  [8008, 'tcp', 'http-alt', 'HTTP on an alternate port', '代替ポートの HTTP'],
  [8080, 'tcp', 'http-alt', 'HTTP on an alternate port (proxies, admin consoles)', '代替ポートの HTTP (プロキシ、管理画面)'],
  [8088, 'tcp', 'radan-http', 'HTTP on an alternate port (e.g. Hadoop YARN)', '代替ポートの HTTP (Hadoop YARN など)'],
  [8443, 'tcp', 'pcsync-https', 'HTTPS on an alternate port (admin consoles)', '代替ポートの HTTPS (管理画面)'],
  [8883, 'tcp', 'secure-mqtt', 'MQTT over TLS', 'TLS 上の MQTT'],
  [9100, 'tcp', 'hp-pdl-datastr', 'Raw printing (JetDirect)', 'ダイレクト印刷 (JetDirect)'],
  [9200, 'tcp', 'wap-wsp', 'Elasticsearch HTTP API (in practice)', 'Elasticsearch HTTP API (実際の用途)'],
  [9418, 'tcp', 'git', 'Git protocol', 'Git プロトコル'],
  [10000, 'tcp', 'ndmp', 'NDMP backup (also Webmin)', 'NDMP バックアップ (Webmin も使う)'],
  [11211, 'both', 'memcache', 'Memcached (UDP misused for huge amplification)', 'Memcached (UDP は大規模な増幅攻撃に悪用される)'],
  [20000, 'tcp', 'dnp', 'DNP3 (utility control)', 'DNP3 (電力・水道の制御)'],
  [27017, 'tcp', 'mongodb', 'MongoDB', 'MongoDB'],
  [44818, 'both', 'EtherNet-IP-2', 'EtherNet/IP (industrial control)', 'EtherNet/IP (産業制御)'],
  [47808, 'udp', 'bacnet', 'BACnet building automation', 'BACnet ビルオートメーション'],
];

export const WELL_KNOWN_SERVICES: readonly ServiceEntry[] = Object.freeze(
  ROWS.map(([port, t, name, en, ja]) =>
    Object.freeze({
      port,
      transports: Object.freeze(t === 'both' ? (['tcp', 'udp'] as const) : ([t] as const)),
      name,
      description: Object.freeze({ en, ja }),
    }),
  ),
);

const TCP = new Map<number, ServiceEntry>();
const UDP = new Map<number, ServiceEntry>();
for (const s of WELL_KNOWN_SERVICES) for (const t of s.transports) (t === 'tcp' ? TCP : UDP).set(s.port, s);

/** The well-known service on a port, per transport (512/tcp is exec, 512/udp biff); undefined when not listed. */
export function serviceName(port: number, transport: PortTransport): { name: string; description: Text } | undefined {
  const s = (transport === 'tcp' ? TCP : UDP).get(port);
  return s && { name: s.name, description: s.description };
}
