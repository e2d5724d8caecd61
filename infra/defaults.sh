# Development defaults, sourced by dev.sh and test.sh. Never used on AWS:
# there the functions read their secrets from Secrets Manager (the stack
# fills it from its NoEcho parameters and generates the keys).
: "${AWS_REGION:=us-east-1}"
: "${AWS_ACCESS_KEY_ID:=local}"
: "${AWS_SECRET_ACCESS_KEY:=local}"
: "${WHATSAPP_APP_SECRET:=dev-app-secret}"
: "${WHATSAPP_VERIFY_TOKEN:=dev-verify-token}"
: "${WHATSAPP_ACCESS_TOKEN:=dev-access-token}"
: "${WHATSAPP_WABA_ID:=102290129340398}"
: "${PARLEY_ADMIN_EMAIL:=admin@parley.local}"
: "${PARLEY_ADMIN_PASSWORD:=parley-admin-pass}"
: "${PARLEY_CONTACT_ID_KEY:=dev-contact-id-key-not-secret}"
: "${INDIAMART_CRM_KEY:=dev-indiamart-key}"
: "${PARLEY_PORT:=8080}"
: "${PARLEY_SIMULATOR_PORT:=8090}"
: "${WHATSAPP_API_BASE:=http://127.0.0.1:${PARLEY_SIMULATOR_PORT}}"
export AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY WHATSAPP_APP_SECRET WHATSAPP_VERIFY_TOKEN \
  WHATSAPP_ACCESS_TOKEN WHATSAPP_WABA_ID PARLEY_ADMIN_EMAIL PARLEY_ADMIN_PASSWORD PARLEY_CONTACT_ID_KEY INDIAMART_CRM_KEY PARLEY_PORT PARLEY_SIMULATOR_PORT WHATSAPP_API_BASE
