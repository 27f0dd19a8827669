module github.com/goclerk/clerk/tools

go 1.26.0

require go.yaml.in/yaml/v3 v3.0.6

replace github.com/goclerk/clerk => ../
