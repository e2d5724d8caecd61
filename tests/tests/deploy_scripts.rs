//! `make deploy` and `make destroy` as far as they run without an AWS
//! account: the commands each prints in a dry run, the UI upload and its
//! CloudFront invalidation against moto (a second deploy of the same UI
//! changes nothing), and the data deletion against moto and DynamoDB Local.

use parley_e2e::{repo_root, require_emulators, unique_table};
use std::path::Path;
use std::process::{Command, Output};

fn moto() -> String {
    std::env::var("AWS_ENDPOINT_URL_SQS").expect("moto's endpoint (make test starts it)")
}

/// A script run the way the Makefile runs it, against the emulators.
fn run(program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let root = repo_root();
    let python_path = format!("{}/.venv/bin:{}", root.display(), std::env::var("PATH").unwrap_or_default());
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(&root)
        .env("PATH", python_path)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_ENDPOINT_URL_CLOUDFRONT", moto())
        .env("AWS_ENDPOINT_URL_CLOUDFORMATION", moto());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap_or_else(|e| panic!("{program} runs: {e}"))
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn python(code: &str) -> String {
    let output = run("python", &["-c", code], &[]);
    assert!(output.status.success(), "{}", text(&output));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn a_dry_run_deploy_prints_the_build_the_first_guided_deploy_and_the_ui_upload() {
    if Path::new(&repo_root().join("samconfig.toml")).exists() {
        return; // A developer's own deployment config: the first-deploy path is not this checkout's.
    }
    let output = run("./infra/deploy.sh", &["deploy"], &[("DRY_RUN", "1")]);
    assert!(output.status.success(), "{}", text(&output));
    let printed: Vec<String> = text(&output).lines().filter_map(|l| l.strip_prefix("+ ")).map(str::to_owned).collect();
    assert_eq!(
        printed,
        [
            "npm run --silent build",
            "sam build --beta-features",
            "sam deploy --guided --stack-name parley --capabilities CAPABILITY_IAM --resolve-s3",
            "python infra/deploy_web.py --stack parley",
        ]
    );
}

#[test]
fn destroy_keeps_the_data_unless_the_stack_s_name_is_typed_out() {
    let keeps = run("./infra/deploy.sh", &["destroy"], &[("DRY_RUN", "1")]);
    assert!(keeps.status.success(), "{}", text(&keeps));
    assert!(text(&keeps).contains("sam delete --stack-name parley --no-prompts"));
    assert!(!text(&keeps).contains("delete-kept"), "{}", text(&keeps));
    assert!(text(&keeps).contains("make destroy DELETE_DATA=parley"));

    let wrong = run("./infra/deploy.sh", &["destroy"], &[("DRY_RUN", "1"), ("DELETE_DATA", "yes")]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(!text(&wrong).contains("+ "), "nothing runs on a wrong name: {}", text(&wrong));

    let deletes = run("./infra/deploy.sh", &["destroy"], &[("DRY_RUN", "1"), ("DELETE_DATA", "parley")]);
    assert!(deletes.status.success(), "{}", text(&deletes));
    assert!(text(&deletes).trim_end().ends_with("delete-kept"), "{}", text(&deletes));
}

#[test]
fn the_ui_is_uploaded_and_invalidated_once_and_a_second_deploy_of_it_changes_nothing() {
    require_emulators();
    let bucket = unique_table("web");
    let distribution = python(&format!(
        "import boto3; boto3.client('s3').create_bucket(Bucket='{bucket}'); \
         c = boto3.client('cloudfront').create_distribution(DistributionConfig={{'CallerReference': '{bucket}', \
         'Comment': '', 'Enabled': True, 'Origins': {{'Quantity': 1, 'Items': [{{'Id': 'web', \
         'DomainName': '{bucket}.s3.amazonaws.com', 'S3OriginConfig': {{'OriginAccessIdentity': ''}}}}]}}, \
         'DefaultCacheBehavior': {{'TargetOriginId': 'web', 'ViewerProtocolPolicy': 'redirect-to-https', \
         'CachePolicyId': '658327ea-f89d-4fab-a63d-7e88639e58f6'}}}}); print(c['Distribution']['Id'])"
    ));
    let dist = std::env::temp_dir().join(&bucket);
    std::fs::create_dir_all(dist.join("assets")).expect("a temp dir");
    std::fs::write(dist.join("index.html"), "<!doctype html><script src=/assets/app-1.js></script>").expect("written");
    std::fs::write(dist.join("assets/app-1.js"), "console.log(1)").expect("written");
    let deploy = |dist: &Path| {
        let dist = dist.to_string_lossy().into_owned();
        let args = ["infra/deploy_web.py", "--bucket", &bucket, "--distribution", &distribution, "--dist", &dist];
        let output = run("python", &args, &[]);
        assert!(output.status.success(), "{}", text(&output));
        text(&output)
    };
    let invalidations = || {
        python(&format!(
            "import boto3; print(boto3.client('cloudfront').list_invalidations(DistributionId='{distribution}')\
             ['InvalidationList'].get('Quantity', 0))"
        ))
    };

    let first = deploy(&dist);
    assert!(first.contains("upload index.html (text/html, no-cache)"), "{first}");
    assert!(first.contains("upload assets/app-1.js (text/javascript, public, max-age=31536000, immutable)"), "{first}");
    assert_eq!(invalidations(), "1");
    let again = deploy(&dist);
    assert!(again.contains("UI unchanged"), "{again}");
    assert!(!again.lines().any(|l| l.starts_with("upload ")), "{again}");
    assert_eq!(invalidations(), "1", "a deploy with nothing changed invalidates nothing");

    // A new build: the new chunk goes up, the old one stays for tabs still running it.
    std::fs::write(dist.join("index.html"), "<!doctype html><script src=/assets/app-2.js></script>").expect("written");
    std::fs::remove_file(dist.join("assets/app-1.js")).expect("removed");
    std::fs::write(dist.join("assets/app-2.js"), "console.log(2)").expect("written");
    let next = deploy(&dist);
    assert!(next.contains("upload assets/app-2.js"), "{next}");
    assert!(!next.contains("delete assets/app-1.js"), "{next}");
    assert_eq!(invalidations(), "2");
    let keys = python(&format!(
        "import boto3; print(sorted(o['Key'] for o in boto3.client('s3').list_objects_v2(Bucket='{bucket}')['Contents']))"
    ));
    assert_eq!(keys, "['.parley-web-sha256', 'assets/app-1.js', 'assets/app-2.js', 'index.html']");
    std::fs::remove_dir_all(&dist).expect("the temp UI removed");
}

#[test]
fn deleting_the_kept_data_removes_the_table_every_file_version_and_the_contact_id_key() {
    require_emulators();
    let name = unique_table("kept");
    let secret_arn = python(&format!(
        "import boto3\n\
         boto3.client('dynamodb').create_table(TableName='{name}', BillingMode='PAY_PER_REQUEST', \
         AttributeDefinitions=[{{'AttributeName': 'pk', 'AttributeType': 'S'}}], \
         KeySchema=[{{'AttributeName': 'pk', 'KeyType': 'HASH'}}])\n\
         s3 = boto3.client('s3'); s3.create_bucket(Bucket='{name}')\n\
         s3.put_bucket_versioning(Bucket='{name}', VersioningConfiguration={{'Status': 'Enabled'}})\n\
         s3.put_object(Bucket='{name}', Key='c/photo.jpg', Body=b'1'); s3.put_object(Bucket='{name}', Key='c/photo.jpg', Body=b'2')\n\
         print(boto3.client('secretsmanager').create_secret(Name='{name}', SecretString='k')['ARN'])"
    ));
    let kept = std::env::temp_dir().join(format!("{name}.json"));
    let names = serde_json::json!({"TableName": name, "MediaBucketName": name, "ContactIdKeyArn": secret_arn});
    std::fs::write(&kept, names.to_string()).expect("written");
    let kept = kept.to_string_lossy().into_owned();
    let output = run("python", &["infra/stack_data.py", "--stack", "parley", "--kept", &kept, "delete-kept"], &[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("(2 files and versions)"), "{}", text(&output));
    let left = python(&format!(
        "import boto3\n\
         tables = boto3.client('dynamodb').list_tables()['TableNames']\n\
         buckets = [b['Name'] for b in boto3.client('s3').list_buckets()['Buckets']]\n\
         secrets = [s['Name'] for s in boto3.client('secretsmanager').list_secrets()['SecretList']]\n\
         print(['{name}' in tables, '{name}' in buckets, '{name}' in secrets])"
    ));
    assert_eq!(left, "[False, False, False]");
    let again = run("python", &["infra/stack_data.py", "--stack", "parley", "--kept", &kept, "delete-kept"], &[]);
    assert!(again.status.success(), "a second run finds it all gone: {}", text(&again));
    std::fs::remove_file(&kept).expect("the temp file removed");
}

#[test]
fn destroying_deletes_the_accounts_own_tokens_of_that_stack_only() {
    require_emulators();
    let stack = unique_table("tokens");
    python(&format!(
        "import boto3\n\
         s = boto3.client('secretsmanager')\n\
         s.create_secret(Name='{stack}/account-token/204060080100120', SecretString='{{}}')\n\
         s.create_secret(Name='{stack}-other/account-token/1', SecretString='{{}}')"
    ));
    let kept = std::env::temp_dir().join(format!("{stack}.json"));
    std::fs::write(&kept, "{}").expect("written");
    let kept = kept.to_string_lossy().into_owned();
    let output = run("python", &["infra/stack_data.py", "--stack", &stack, "--kept", &kept, "empty"], &[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("deleted 1 accounts' own access tokens"), "{}", text(&output));
    let left = python(&format!(
        "import boto3\n\
         names = [s['Name'] for s in boto3.client('secretsmanager').list_secrets()['SecretList']]\n\
         print(['{stack}/account-token/204060080100120' in names, '{stack}-other/account-token/1' in names])"
    ));
    assert_eq!(left, "[False, True]", "another stack's tokens stay");
    std::fs::remove_file(&kept).expect("the temp file removed");
}
