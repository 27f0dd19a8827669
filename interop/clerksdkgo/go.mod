module github.com/goclerk/clerk/interop/clerksdkgo

go 1.26.0

replace (
	github.com/goclerk/clerk => ../..
	github.com/goclerk/clerk/localclerk => ../../localclerk
)

require (
	github.com/clerk/clerk-sdk-go/v2 v2.4.2
	github.com/go-chi/chi/v5 v5.5.0
	github.com/goclerk/clerk/localclerk v0.0.0-00010101000000-000000000000
)

require (
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/go-jose/go-jose/v3 v3.0.5 // indirect
	github.com/go-jose/go-jose/v4 v4.1.9 // indirect
	github.com/goclerk/clerk v0.0.0-00010101000000-000000000000 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/stretchr/testify v1.11.1 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
	modernc.org/sqlite v1.62.0 // indirect
)
