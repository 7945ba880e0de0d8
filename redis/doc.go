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
// The limiter's and the webhook stores' entries are plain (route names,
// times, event ids and bodies as Pluggy sent them). Give the application
// its own Redis user (ACL) limited to its keys and to the commands the
// module sends, directly or from its scripts, for example
//
//	ACL SETUSER app on >password ~pluggy:{<clientID>}:* -@all +evalsha +eval +script|load
//	    +time +get +set +del +exists +pexpire +pexpireat +pttl +zadd +zrem +zcard +zrange
//	    +zrangebyscore +zremrangebyscore +xadd +xlen +xrange +xdel +xack +xpending
//	    +xreadgroup +xclaim +xgroup|create +multi +exec +ping
//
// require AUTH, use TLS (rediss://) whenever the traffic leaves the host,
// and keep the server off public networks.
//
// # When Redis is unreachable
//
//   - Limiter: waits use LimiterOptions.Fallback (LocalShare gives each
//     replica a share of the budget) or, without one, fail without sending
//     the request; Redis is tried again after LimiterOptions.Retry.
//   - KeyStore: the client logs in on its own (Pluggy allows several keys).
//   - DedupeStore and Queue: calls fail with an error wrapping
//     ErrUnavailable; the webhook handler answers 503 and Pluggy delivers
//     the event again later. Events already in the stream are kept as far
//     as Redis persists them (appendonly yes).
package pluggyredis
