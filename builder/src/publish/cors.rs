//! `playlike cors`: the bucket CORS rules the web app needs to read an index from another
//! origin, printed or applied.

use anyhow::bail;

use super::{gcs, CorsArgs};

/// The CORS rules the web app needs: read-only, from its origin(s).
pub fn cors_rules(origins: &[String], max_age: u32) -> serde_json::Value {
    let origins: Vec<&str> = if origins.is_empty() {
        vec!["*"]
    } else {
        origins.iter().map(String::as_str).collect()
    };
    serde_json::json!([{
        "origin": origins,
        "method": ["GET", "HEAD"],
        "responseHeader": ["Content-Type", "Content-Length", "ETag", "Cache-Control"],
        "maxAgeSeconds": max_age,
    }])
}

pub fn cors(args: CorsArgs) -> anyhow::Result<()> {
    if !args.target.starts_with("gs://") {
        bail!(
            "cors: `{}` is not a gs:// target; a local directory's CORS is the web server's job",
            args.target
        );
    }
    let rules = cors_rules(&args.origins, args.max_age);
    println!("{}", serde_json::to_string_pretty(&rules)?);
    if !args.apply {
        eprintln!(
            "(printed only; pass --apply to set it, or save it and run `gcloud storage buckets update gs://BUCKET --cors-file=FILE`)"
        );
        return Ok(());
    }
    let store = gcs::GcsStore::connect(
        &args.target,
        args.credentials.as_deref(),
        gcs::SCOPE_FULL_CONTROL,
    )?;
    let bucket = store.set_cors(&rules)?;
    match bucket.get("cors") {
        Some(set) if set == &rules => eprintln!("CORS set on gs://{}", store.bucket()),
        Some(set) => eprintln!(
            "CORS set on gs://{}; the bucket now reports {set}",
            store.bucket()
        ),
        None => eprintln!(
            "CORS PATCH accepted by gs://{} (the server did not echo the rules back)",
            store.bucket()
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_rules_default_to_any_origin_and_read_only() {
        let rules = cors_rules(&[], 600);
        assert_eq!(rules[0]["origin"][0], "*");
        assert_eq!(rules[0]["method"], serde_json::json!(["GET", "HEAD"]));
        assert_eq!(rules[0]["maxAgeSeconds"], 600);
        let rules = cors_rules(&["https://a.example".into()], 60);
        assert_eq!(rules[0]["origin"], serde_json::json!(["https://a.example"]));
    }
}
