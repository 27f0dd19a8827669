module github.com/goclerk/clerk/adapters/chi

go 1.26.0

replace github.com/goclerk/clerk => ../..

require github.com/goclerk/clerk v0.0.0-00010101000000-000000000000

require (
	github.com/go-chi/chi/v5 v5.5.0
	golang.org/x/sync v0.25.0 // indirect
)
