from debian:12
copy ["conf/app.conf", "/etc/app/"]
