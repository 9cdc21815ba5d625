// NestJS 11 on Express, the way `nest new` lays it out; shutdown hooks on (Nest closes the app on
// SIGTERM, then re-raises the signal).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  console.log(`READY ${JSON.stringify({ port: address.port })}`);
}
void bootstrap();
