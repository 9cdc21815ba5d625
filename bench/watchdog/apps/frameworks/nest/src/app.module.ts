import { Module } from '@nestjs/common';
import { OrdersController } from './orders.controller';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({ controllers: [OrdersController, ReportsController], providers: [ReportsService] })
export class AppModule {}
