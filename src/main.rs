fn main() {
    println!("rota");
}
