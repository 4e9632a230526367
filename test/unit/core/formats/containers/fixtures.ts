/** Values that pass validateConfig, shared by the container tests. */
export const UUID = '889514ed-33ea-4677-8b65-334270216396';
export const UUID2 = '83056c66-0f88-4d1f-aa1b-8d9db1eb9fdc';
export const PBK = 'Oyv6f-zr0eivfNVnRywqNVzUdQ4Yta268Jo-bbMenfI';
export const WG_PRIVATE = 'grwNYUixCKtW3c/9o6SQfjmdaT3OhyZjCe8C11YhA70=';
export const WG_PUBLIC = 'Ndla5h1DNbkLiJWpg8M3bk4nyrrlWsPyJb+szgtCAW0=';
export const HOST = 'node1.proxy-host.net';
export const IP = '45.144.174.211';
