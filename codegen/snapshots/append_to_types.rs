pub mod types {
    pub struct First;
    pub struct Added;
}
pub struct Outside;
