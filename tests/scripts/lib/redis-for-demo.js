// @ts-check
/**
 * Decides which profile store the demo uses, in this order: PSN_REDIS_URL if set; a private
 * redis-server (from PATH) with its data in tests/app/.tmp/redis; a Redis already answering on
 * 127.0.0.1:6379; otherwise the embedded memory store.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { onPath } = require('./system-packages');

/** @param {number} port @returns {Promise<boolean>} */
const answersPing = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

/** @returns {Promise<number>} */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(address.port));
    });
  });

/**
 * @param {string} dataDir
 * @returns {Promise<{ env: Record<string, string>, description: string, stop: () => void }>}
 */
const chooseDemoStore = async (dataDir) => {
  if (process.env.PSN_REDIS_URL) {
    return { env: { PSN_REDIS_URL: process.env.PSN_REDIS_URL }, description: `Redis at ${process.env.PSN_REDIS_URL}`, stop: () => {} };
  }
  if (onPath('redis-server')) {
    const port = await freePort();
    fs.mkdirSync(dataDir, { recursive: true });
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '60 1', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: 'ignore' }
    );
    for (let i = 0; i < 100 && !(await answersPing(port)); i++) await new Promise((r) => setTimeout(r, 50));
    return {
      env: { PSN_REDIS_URL: `redis://127.0.0.1:${port}` },
      description: `a private redis-server on port ${port} (data in ${path.relative(process.cwd(), dataDir)})`,
      stop: () => child.kill('SIGTERM'),
    };
  }
  if (await answersPing(6379)) {
    return { env: { PSN_REDIS_URL: 'redis://127.0.0.1:6379' }, description: 'the Redis on 127.0.0.1:6379', stop: () => {} };
  }
  return {
    env: { PSN_STORE: 'memory' },
    description: 'the embedded memory store: no Redis is reachable and redis-server is not installed (sudo apt-get install -y redis-server)',
    stop: () => {},
  };
};

module.exports = { chooseDemoStore, answersPing };
