pub mod operations {
    impl GetPhloWhen {
        pub fn phlo_id(self, value: &types::Id) -> Self {
            let re = regex::Regex::new(
                    &format!("^/phlo/{}$", ::regex::escape(& value.to_string())),
                )
                .unwrap();
            Self(self.0.path_matches(re))
        }
        pub fn note(self, value: &str) -> Self {
            Self(self.0.body(format!("{}", value.to_string())))
        }
    }
}
