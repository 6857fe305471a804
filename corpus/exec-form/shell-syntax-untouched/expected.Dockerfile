FROM debian:12
CMD echo $HOME
CMD app && other
CMD app; other
CMD app | tee log
CMD app > /var/log/app.log
CMD ls *.conf
CMD app --name 'my app'
CMD app "x"
CMD cd ~
CMD A=b app
CMD exec app
CMD cd /app
CMD app --flag \
    --other
CMD app \$x
CMD (app)
CMD app &
CMD app {a,b}
CMD ! app
CMD app # comment
CMD `app`
CMD [app
HEALTHCHECK NONE
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
CMD ["app"]
ENTRYPOINT ["app"]
