# Parley. The first two targets are the ones you need.
.PHONY: dev test customer call phone-app history lead-ad indiamart seed setup lint fmt bench cost build sam-build clean deploy destroy

SAYS ?= Hi! Do you deliver today?

## dev: the whole product locally on http://127.0.0.1:8080 (Ctrl-C stops it)
dev:
	./infra/dev.sh

## test: everything CI runs (lints, unit, emulator, end-to-end, browser, sam build, cfn-lint)
test:
	./infra/test.sh

## customer: play a customer writing in, e.g. make customer SAYS="hi" FROM=919812345678 NAME="Ravi";
##   SENDS=photo|voice|pdf|video|sticker sends a real sample file instead (SAYS becomes its caption);
##   TAPS=Accept taps that reply button on the latest message with buttons sent to them (a quotation's);
##   AD="120200:Diwali sale" writes from that click-to-WhatsApp ad (Meta's referral on the message);
##   TO_NUMBER=<phone_number_id> writes to a second business number (its own conversations)
customer:
	@. infra/defaults.sh && cargo run --quiet -p parley-simulator -- customer \
		$(if $(TAPS),--taps "$(TAPS)",$(if $(SENDS),--sends "$(SENDS)" $(if $(filter command line,$(origin SAYS)),--says "$(SAYS)"),--says "$(SAYS)")) \
		$(if $(FROM),--from "$(FROM)") $(if $(NAME),--name "$(NAME)") $(if $(AD),--from-ad "$(AD)") \
		$(if $(TO_NUMBER),--to-number "$(TO_NUMBER)")

## call: a customer calls on WhatsApp (FROM=..., NAME=...); missed unless ANSWERED=<seconds>
call:
	@. infra/defaults.sh && cargo run --quiet -p parley-simulator -- call \
		$(if $(FROM),--from "$(FROM)") $(if $(NAME),--name "$(NAME)") $(if $(ANSWERED),--answered "$(ANSWERED)")

## phone-app: the shopkeeper answers from the WhatsApp Business app on the phone (coexistence),
##   e.g. make phone-app SAYS="Yes, 2 left" TO=919876543210
phone-app:
	@. infra/defaults.sh && cargo run --quiet -p parley-simulator -- phone-app --says "$(SAYS)" $(if $(TO),--to "$(TO)")

## history: a chat from before the number joined Parley arrives (coexistence's backfill), FROM=...
history:
	@. infra/defaults.sh && cargo run --quiet -p parley-simulator -- history $(if $(FROM),--from "$(FROM)")

setup:
	./infra/setup.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	npm run --silent lint
	npm run --silent api-types:check

fmt:
	cargo fmt --all

## bench: DynamoDB round trips and handler CPU per inbound message (needs emulators; see README)
bench:
	./infra/bench.sh

## cost: AWS cost per 1,000 inbound messages, sends and campaign recipients, per idle day and open tab,
##   from `make bench`'s figures and infra/cost/prices.json
cost:
	python3 infra/cost/cost.py

## sam-build: the Lambda binaries, and the UI's static files in web/dist (synced to the UI bucket)
sam-build:
	npm run --silent build
	PATH="$(CURDIR)/.venv/bin:$$PATH" SAM_CLI_BETA_RUST_CARGO_LAMBDA=1 SAM_CLI_TELEMETRY=0 sam build --beta-features

## deploy: build everything and deploy it to your AWS account (asks what it needs the first time;
##   ROTATE=<SecretParameter> asks for a secret's new value; DRY_RUN=1 prints the commands)
deploy:
	./infra/deploy.sh deploy

## destroy: delete the stack but keep the data; DELETE_DATA=<stack name> deletes the data too
destroy:
	./infra/deploy.sh destroy

clean:
	cargo clean
	rm -rf .aws-sam .parley

## lead-ad: someone submits a Facebook lead form (PHONE=..., NAME=...); Meta's leadgen webhook reaches Parley
lead-ad:
	@. infra/defaults.sh && cargo run --quiet -p parley-simulator -- lead-ad \
		$(if $(PHONE),--phone "$(PHONE)") $(if $(NAME),--name "$(NAME)")

## indiamart: someone sends an IndiaMART enquiry (MOBILE=..., NAME=..., PRODUCT=...); Parley's next pull takes it
indiamart:
	@. infra/defaults.sh && cargo run --quiet -p parley-simulator -- indiamart \
		$(if $(MOBILE),--mobile "$(MOBILE)") $(if $(NAME),--name "$(NAME)") $(if $(PRODUCT),--product "$(PRODUCT)")

## seed: a realistic shop in the running `make dev` stack (agents, 300 contacts, ~3000 messages, deals, tasks)
seed:
	@. infra/defaults.sh && cargo run --quiet -p parley-simulator -- seed $(if $(CONTACTS),--contacts $(CONTACTS))
