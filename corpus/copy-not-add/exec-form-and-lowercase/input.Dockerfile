from debian:12
add ["conf/app.conf", "/etc/app/"]
