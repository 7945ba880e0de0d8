// Package sqltest proves that pluggy's Decimal, Date and Timestamp go into a
// real PostgreSQL and come back exactly. It is a module of its own so that the
// root module's go.mod gains no SQL driver; it holds only tests.
package sqltest
