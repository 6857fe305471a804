FROM busybox
FROM localhost:5000/team/app
