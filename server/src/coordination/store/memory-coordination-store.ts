import { EventEmitter } from 'events';
import type { MemoryKeyspace } from '../../store/memory/memory-keyspace';
import type { CoordinationStore } from './coordination-store';

/** One process is the only instance: messages go to its own subscribers. */
export class MemoryCoordinationStore implements CoordinationStore {
  private readonly locks;

  private readonly jobs = new Map<string, Record<string, unknown>>();

  private readonly channels = new EventEmitter();

  private readonly changes = new Map<string, number>();

  constructor(keyspace: MemoryKeyspace) {
    this.locks = keyspace.expiring<string>();
    keyspace.onClose(() => this.channels.removeAllListeners());
  }

  async acquireLock(name: string, owner: string, ttlSec: number): Promise<boolean> {
    const held = this.locks.get(name);
    if (held !== undefined && held !== owner) return false;
    this.locks.set(name, owner, ttlSec);
    return true;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    if (this.locks.get(name) === owner) this.locks.delete(name);
  }

  async writeJobStatus(name: string, status: Record<string, unknown>): Promise<void> {
    this.jobs.set(name, structuredClone(status));
  }

  async readJobStatus(name: string): Promise<Record<string, unknown> | null> {
    const status = this.jobs.get(name);
    return status ? structuredClone(status) : null;
  }

  async publish(channel: string, message: string): Promise<void> {
    this.channels.emit(channel, message);
  }

  async announceChange(topic: string, message: string): Promise<number> {
    const version = (this.changes.get(topic) ?? 0) + 1;
    this.changes.set(topic, version);
    await this.publish(topic, message);
    return version;
  }

  async changeVersions(): Promise<Record<string, number>> {
    return Object.fromEntries(this.changes);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    this.channels.on(channel, onMessage);
    return async () => {
      this.channels.off(channel, onMessage);
    };
  }
}
