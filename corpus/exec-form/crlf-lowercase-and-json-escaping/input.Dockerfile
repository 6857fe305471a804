FROM alpine:3.20
healthcheck cmd wget -q --spider http://localhost/é
cmd  caddy	run --config=/etc/caddy/Caddyfile,x@y:1 %s +
