FROM debian:12
CMD echo $HOME
CMD app > /var/log/app.log 2>&1
CMD ls *.conf
CMD app --name 'my app'
CMD app "x"
CMD exec app --serve
CMD app \$x
CMD app {a,b}
CMD `app`
CMD "$APP" --port "${PORT:-8080}"
CMD app --path=C:\dir\file "tab	in quotes"
ENTRYPOINT locust --host="http://${FRONTEND_ADDR}" -u "${USERS:-10}" 2>&1
