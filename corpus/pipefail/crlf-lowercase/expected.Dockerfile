from debian:12
shell ["/bin/bash", "-o", "pipefail", "-c"]
# comment
run curl -fsSL x | sh
