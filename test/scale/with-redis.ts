/**
 * One real redis-server and the two example instances sharing it, for a whole test file (or `describe`):
 * started before its tests, stopped after them, even when one fails.
 */
import type { MockUser } from 'passport-bitbucket-oauth/testing';
import { startCluster, type Cluster } from './cluster';
import { RedisServer } from './redis-server';

export interface RedisCluster {
  redis: RedisServer;
  cluster: Cluster;
}

export function useRedisCluster(users: MockUser[]): () => RedisCluster {
  let started: RedisCluster | undefined;
  beforeAll(async () => {
    const redis = await RedisServer.start();
    started = { redis, cluster: await startCluster({ users, redisURL: redis.url }) };
  });
  afterAll(async () => {
    await started?.cluster.close();
    await started?.redis.stop('SIGTERM');
  });
  return () => {
    if (!started) throw new Error('the Redis cluster is not started');
    return started;
  };
}
