/** cluster-key-slot (the slot function ioredis's Cluster uses) ships no types. */
declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot (0-16383) of a key: CRC16 of its hash tag, or of the whole key. */
  export default function clusterKeySlot(key: string): number;
}
