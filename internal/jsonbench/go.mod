module github.com/pluggy-go/pluggy/internal/jsonbench

go 1.26

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/goccy/go-json v0.12.0
	github.com/pluggy-go/pluggy v0.0.0
)

require (
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	golang.org/x/sync v0.18.0 // indirect
)

replace github.com/pluggy-go/pluggy => ../..
