module github.com/pluggy-go/pluggy/sqltest

go 1.24.0

require (
	github.com/jackc/pgx/v5 v5.7.5
	github.com/pluggy-go/pluggy v0.0.0
)

require (
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.2 // indirect
	golang.org/x/crypto v0.37.0 // indirect
	golang.org/x/sync v0.18.0 // indirect
	golang.org/x/text v0.24.0 // indirect
	golang.org/x/time v0.14.0 // indirect
)

replace github.com/pluggy-go/pluggy => ../
