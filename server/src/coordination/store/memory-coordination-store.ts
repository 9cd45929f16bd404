import { EventEmitter } from 'events';
import type { MemoryKeyspace } from '../../store/memory/memory-keyspace';
import type { CoordinationStore } from './coordination-store';
import { passOfHash, type PassProposal, type SharedPass } from './shared-pass';

/** One process is the only instance: messages go to its own subscribers. */
export class MemoryCoordinationStore implements CoordinationStore {
  private readonly locks;

  private readonly jobs = new Map<string, Record<string, unknown>>();

  private readonly channels = new EventEmitter();

  private readonly changes = new Map<string, number>();

  /** Each pass as the Redis driver's hash holds it: the same fields, the same transitions. */
  private readonly passes = new Map<string, Record<string, string>>();

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

  async beginPass(name: string, proposal: PassProposal): Promise<SharedPass> {
    const held = this.passes.get(name);
    if (!(held?.state === 'running' && held.version === proposal.version)) {
      this.passes.set(name, {
        id: proposal.id,
        version: proposal.version,
        state: 'running',
        partitions: String(proposal.partitions),
        done: '0',
        startedAt: String(proposal.startedAt),
        plan: proposal.plan,
        ...(held?.lastStartedAt ? { lastStartedAt: held.lastStartedAt, lastVersion: held.lastVersion } : {}),
      });
    }
    return (await this.readPass(name))!;
  }

  async readPass(name: string): Promise<SharedPass | null> {
    return passOfHash(this.passes.get(name) ?? {}, Date.now());
  }

  /** The pass, if `passId` is the one running. */
  private running(name: string, passId: string): Record<string, string> | undefined {
    const pass = this.passes.get(name);
    return pass?.id === passId && pass.state === 'running' ? pass : undefined;
  }

  async claimPartition(name: string, passId: string, owner: string, ttlMs: number): Promise<number | null> {
    const pass = this.running(name, passId);
    if (!pass) return null;
    const now = Date.now();
    const partitions = Number(pass.partitions);
    const free = (partition: number) => !(Number(pass[`until:${partition}`] ?? 0) >= now) && !pass[`finished:${partition}`];
    const candidates = Number(pass.done) >= partitions ? [partitions] : Array.from({ length: partitions }, (_, partition) => partition);
    const partition = candidates.find(free);
    if (partition === undefined) return null;
    Object.assign(pass, { [`claim:${partition}`]: owner, [`until:${partition}`]: String(now + ttlMs), [`progress:${partition}`]: '0' });
    return partition;
  }

  async renewPartition(name: string, passId: string, partition: number, owner: string, ttlMs: number, progress: number): Promise<boolean> {
    const pass = this.running(name, passId);
    if (!pass || pass[`claim:${partition}`] !== owner) return false;
    Object.assign(pass, { [`until:${partition}`]: String(Date.now() + ttlMs), [`progress:${partition}`]: String(progress) });
    return true;
  }

  async finishPartition(name: string, passId: string, partition: number, owner: string, totals: Record<string, number>, maxima: Record<string, number>): Promise<boolean> {
    const pass = this.running(name, passId);
    if (!pass || pass[`claim:${partition}`] !== owner) return false;
    for (const field of [`claim:${partition}`, `until:${partition}`, `progress:${partition}`]) delete pass[field];
    pass[`finished:${partition}`] = owner;
    pass.done = String(Number(pass.done) + 1);
    for (const [total, value] of Object.entries(totals)) pass[`t:${total}`] = String(Number(pass[`t:${total}`] ?? 0) + value);
    for (const [maximum, value] of Object.entries(maxima)) {
      if (pass[`m:${maximum}`] === undefined || value > Number(pass[`m:${maximum}`])) pass[`m:${maximum}`] = String(value);
    }
    return true;
  }

  async releasePartition(name: string, passId: string, partition: number, owner: string, error?: string): Promise<void> {
    const pass = this.running(name, passId);
    if (!pass || pass[`claim:${partition}`] !== owner) return;
    for (const field of [`claim:${partition}`, `until:${partition}`, `progress:${partition}`]) delete pass[field];
    if (error) pass.error = error;
  }

  async completePass(name: string, passId: string, owner: string, finishedAt: number): Promise<boolean> {
    const pass = this.running(name, passId);
    const step = pass?.partitions;
    if (!pass || pass[`claim:${step}`] !== owner) return false;
    for (const field of [`claim:${step}`, `until:${step}`, `progress:${step}`]) delete pass[field];
    Object.assign(pass, { state: 'done', finishedAt: String(finishedAt), lastStartedAt: pass.startedAt, lastVersion: pass.version });
    return true;
  }
}
