/** Every proxy protocol the canonical model can hold. */
export const PROTOCOLS = {
  vmess: 'vmess',
  vless: 'vless',
  trojan: 'trojan',
  shadowsocks: 'shadowsocks',
  shadowsocksr: 'shadowsocksr',
  hysteria: 'hysteria',
  hysteria2: 'hysteria2',
  tuic: 'tuic',
  wireguard: 'wireguard',
  socks: 'socks',
  http: 'http',
  anytls: 'anytls',
  naive: 'naive',
} as const;
export type Protocol = (typeof PROTOCOLS)[keyof typeof PROTOCOLS];
export const PROTOCOL_LIST: readonly Protocol[] = Object.values(PROTOCOLS);

export function isProtocol(value: string): value is Protocol {
  return (PROTOCOL_LIST as readonly string[]).includes(value);
}
