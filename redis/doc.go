// Package pluggyredis runs many replicas of one Pluggy application as a
// fleet on Redis: a shared rate limiter (Limiter), one API key for all
// (KeyStore), and, for webhooks, a shared dedupe store and a durable queue.
//
// Import it under the name pluggyredis; it lives at
// github.com/pluggy-go/pluggy/redis, a module of its own, so that the root
// module does not depend on Redis. Every type takes a go-redis
// UniversalClient (a single server, Sentinel or Cluster) and the
// application's client id, which namespaces every key:
// <prefix>:{<clientID>}:..., the client id doubling as the Cluster hash tag.
// No key name holds a secret.
//
// # Protecting the Redis server
//
// The KeyStore keeps the application's API key in Redis, encrypted with a
// key derived from the client secret (AES-256-GCM): reading Redis is not
// enough to call Pluggy, but deleting or corrupting entries is enough to
// disturb the fleet (a corrupted key is dropped and a new one fetched).
// The limiter's and the webhook stores' entries are plain. Give the
// application its own Redis user (ACL) limited to its prefix
// (~pluggy:{<clientID>}:* plus the commands the module uses: EVALSHA,
// EVAL, GET, SET, DEL, ZREM, XADD, XREADGROUP, XACK, XAUTOCLAIM, XGROUP,
// ...), require AUTH, use TLS (rediss://) whenever the traffic leaves the
// host, and keep the server off public networks.
package pluggyredis
