from debian:12
# comment
run curl -fsSL x | sh
