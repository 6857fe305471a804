FROM debian:12
CMD app && other
CMD app; other
CMD app | tee log
CMD cd ~
CMD A=b app
CMD cd /app
CMD app --flag \
    --other
CMD (app)
CMD app &
CMD ! app
CMD app # comment
CMD export A=b
CMD exec
CMD [app
HEALTHCHECK CMD curl -f "http://localhost/$PORT" || exit 1
HEALTHCHECK CMD curl -f "http://localhost/"
HEALTHCHECK NONE
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
CMD ["app"]
ENTRYPOINT ["app"]
