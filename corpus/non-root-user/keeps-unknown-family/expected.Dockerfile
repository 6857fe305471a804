FROM corp/appliance:1.2
COPY app /opt/app
CMD ["/opt/app/run"]
